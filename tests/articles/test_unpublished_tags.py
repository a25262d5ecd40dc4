"""A tag that only drafts or scheduled articles carry is unknown on every public path.

Otherwise a reader could probe for unpublished work by guessing tag slugs: the tag's name would
appear in a page title or a feed title before the story is out.
"""

import pytest
from django.urls import reverse

from tests.factories import make_article, make_scheduled

pytestmark = pytest.mark.django_db

SECRET = "Embargoed pipeline"


@pytest.fixture
def tags():
    make_article("Public piece", tags=["Energy"], days_ago=1)
    make_article("Draft piece", tags=[SECRET, "Energy"], published=False)
    make_scheduled("Scheduled piece", tags=["Scheduled secret"])
    return {"secret": "embargoed-pipeline", "scheduled": "scheduled-secret", "public": "energy"}


@pytest.mark.parametrize("which", ["secret", "scheduled"])
@pytest.mark.parametrize(
    "url",
    [
        "/articles/?tag={slug}",
        "/articles/?tag=energy&tag={slug}",
        "/articles/feed/?tag={slug}",
        "/tags/{slug}/",
        "/tags/{slug}/feed/",
        "/search/?q=piece&tag={slug}",
    ],
)
def test_unpublished_tag_is_unknown_everywhere(client, tags, which, url):
    response = client.get(url.format(slug=tags[which]))
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert "Scheduled secret" not in response.content.decode()


def test_published_tag_still_filters_lists_feeds_and_search(client, tags):
    listing = client.get(reverse("articles:list"), {"tag": tags["public"]})
    assert listing.status_code == 200
    assert "Public piece" in listing.content.decode()
    assert "Draft piece" not in listing.content.decode()
    assert client.get(reverse("articles:list_feed"), {"tag": tags["public"]}).status_code == 200
    assert client.get(reverse("articles:tag_feed", args=[tags["public"]])).status_code == 200
    found = client.get(reverse("articles:search"), {"q": "piece", "tag": tags["public"]})
    assert found.status_code == 200
    assert "Public piece" in found.content.decode()


def test_tag_appears_once_its_article_is_published(client, tags):
    from articles.models import Article

    Article.objects.filter(title="Draft piece").update(status=Article.Status.PUBLISHED)
    response = client.get(reverse("articles:tag", args=[tags["secret"]]))
    assert response.status_code == 200
    assert SECRET in response.content.decode()
