"""List lengths come from the maintained counts: no COUNT over every match per list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from tests.factories import make_area, make_article, make_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(settings):
    settings.ARTICLES_PER_PAGE = 2  # several pages, so the count matters
    kz, uz = make_country("Kazakhstan", slug="kazakhstan"), make_country("Uzbekistan")
    energy, trade = make_area("Energy", slug="energy"), make_area("Trade", slug="trade")
    make_article("A", countries=[kz], areas=[energy], tags=["grid", "solar"])
    make_article("B", countries=[kz, uz], areas=[energy], tags=["grid"])
    make_article("C", countries=[uz], areas=[trade], tags=["solar"])
    make_article("D", countries=[kz], areas=[trade], tags=["grid", "solar"])
    make_article("Draft", countries=[kz], areas=[energy], tags=["grid"], published=False)
    make_article("Ja", countries=[kz], areas=[energy], tags=["grid"], language="ja")
    return {"kz": kz, "energy": energy}


def counts_articles(queries) -> bool:
    """Whether the paginator counted the matching articles (Django's `COUNT(*) AS "__count"`)."""
    return any('AS "__count" FROM "articles_article"' in q["sql"] for q in queries)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/articles/", 4),
        ("/articles/?country=kazakhstan", 3),
        ("/articles/?area=energy", 2),
        ("/articles/?tag=grid", 3),
        ("/articles/?country=kazakhstan&area=energy", 2),
        ("/articles/?country=kazakhstan&tag=solar", 2),
        ("/articles/?area=trade&tag=solar", 2),
        ("/articles/?tag=grid&tag=solar", 2),
        ("/tags/grid/", 3),
        ("/countries/kazakhstan/", 3),
        ("/areas/energy/", 2),
        ("/ja/articles/", 1),
        ("/ja/countries/kazakhstan/", 1),
    ],
)
def test_list_lengths_from_the_maintained_counts(client, desk, url, expected):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["paginator"].count == expected
    assert not counts_articles(queries.captured_queries), url


def test_a_longer_selection_is_counted_from_the_articles(client, desk):
    url = "/articles/?country=kazakhstan&area=energy&tag=grid"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.context["paginator"].count == 2
    assert counts_articles(queries.captured_queries)


def test_list_length_follows_publishing(client, desk):
    assert client.get("/articles/").context["paginator"].count == 4
    draft = Article.objects.get(title="Draft")
    draft.publish(user=None)
    assert client.get("/articles/").context["paginator"].count == 5
    assert client.get("/articles/?country=kazakhstan&area=energy").context["paginator"].count == 3
    draft.unpublish(user=None)
    assert client.get("/articles/?tag=grid").context["paginator"].count == 3


def counts_links(queries) -> bool:
    """Whether a query grouped tag links to count them (the facets of an unmaintained
    selection)."""
    return any("GROUP BY" in q["sql"] and '"articles_taggedarticle"' in q["sql"] for q in queries)


def tag_facets(response) -> dict[str, int]:
    return {option.label: option.count for option in response.context["facets"].tags}


def test_a_country_and_area_list_offers_tags_from_the_maintained_counts(client, desk):
    url = "/articles/?country=kazakhstan&area=energy"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # A and B: both say "grid", only A "solar"; the draft and the Japanese article do not count.
    assert tag_facets(response) == {"grid": 2, "solar": 1}
    assert not counts_links(queries.captured_queries)

    draft = Article.objects.get(title="Draft")
    draft.publish(user=None)
    assert tag_facets(client.get(url)) == {"grid": 3, "solar": 1}
    article = Article.objects.get(title="A")
    article.save_revision(user=None, set_related=lambda: article.tags.set(["wind"]))
    assert tag_facets(client.get(url)) == {"grid": 2, "wind": 1}
