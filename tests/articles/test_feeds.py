"""RSS and Atom feeds, read the way a feed reader reads them (feedparser)."""

import html
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.urls import reverse

from tests.factories import (
    make_area,
    make_article,
    make_author,
    make_country,
    make_scheduled,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    kz = make_country("Kazakhstan")
    energy = make_area("Energy")
    author = make_author("haruka", display_name="Haruka Morimoto")
    return {
        "kz": kz,
        "energy": energy,
        "author": author,
        "uranium": make_article(
            "Uranium & <the> market",
            dek="Astana's “deal” with Tokyo",
            body="Kazakhstan **sells** uranium. [More](/articles/other/).\n\n<script>x()</script>",
            countries=[kz],
            areas=[energy],
            tags=["uranium", "JICA"],
            author=author,
            byline="Haruka Morimoto",
            days_ago=1,
        ),
        "grid": make_article("Grid links", countries=[kz], tags=["JICA"], days_ago=2),
        "draft": make_article("Secret draft", countries=[kz], tags=["JICA"], published=False),
        "scheduled": make_scheduled("Embargoed scoop", countries=[kz], tags=["JICA"]),
    }


def read(client, url: str, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def test_rss_feed_is_valid_and_carries_everything_a_reader_needs(client, newsroom):
    response, feed = read(client, reverse("articles:feed"))
    assert response["Content-Type"].startswith("application/rss+xml")
    assert feed.version == "rss20"
    assert feed.feed.title == "Summit"
    assert feed.feed.link == "http://testserver/"
    assert [entry.title for entry in feed.entries] == ["Uranium & <the> market", "Grid links"]
    entry = feed.entries[0]
    assert entry.link == "http://testserver" + newsroom["uranium"].get_absolute_url()
    assert entry.author == "Haruka Morimoto"
    assert html.unescape(entry.summary) == "Astana's “deal” with Tokyo"  # summaries are HTML
    assert {tag.term for tag in entry.tags} == {"uranium", "JICA"}
    content = entry.content[0].value
    assert "<strong>sells</strong>" in content
    assert 'href="http://testserver/articles/other/"' in content
    assert "<script" not in content
    published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
    assert abs(published - newsroom["uranium"].publish_at) < timedelta(seconds=1)


def test_atom_feed_is_valid_with_dates_authors_and_content(client, newsroom):
    response, feed = read(client, reverse("articles:feed_atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.version == "atom10"
    entry = feed.entries[0]
    assert entry.title == "Uranium & <the> market"
    assert entry.author_detail.name == "Haruka Morimoto"
    assert entry.author_detail.href == "http://testserver/authors/haruka/"
    assert entry.published_parsed and entry.updated_parsed
    assert entry.updated_parsed >= entry.published_parsed
    assert "<strong>sells</strong>" in entry.content[0].value


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("articles:feed", {}),
        ("articles:feed_atom", {}),
        ("articles:tag_feed", {"slug": "jica"}),
        ("countries:feed", {"slug": "kazakhstan"}),
        ("areas:feed", {"slug": "energy"}),
        ("articles:author_feed", {"username": "haruka"}),
        ("articles:list_feed", {}),
    ],
)
def test_no_feed_carries_drafts_or_scheduled_articles(client, newsroom, url_name, kwargs):
    _, feed = read(client, reverse(url_name, kwargs=kwargs))
    titles = {entry.title for entry in feed.entries}
    assert titles
    assert not titles & {"Secret draft", "Embargoed scoop"}


def test_taxonomy_feeds_hold_their_own_articles(client, newsroom):
    _, tag = read(client, reverse("articles:tag_feed", kwargs={"slug": "uranium"}))
    assert [e.title for e in tag.entries] == ["Uranium & <the> market"]
    assert tag.feed.link == "http://testserver/tags/uranium/"
    _, area = read(client, reverse("areas:feed", kwargs={"slug": "energy"}))
    assert [e.title for e in area.entries] == ["Uranium & <the> market"]
    _, country = read(client, reverse("countries:feed", kwargs={"slug": "kazakhstan"}))
    assert [e.title for e in country.entries] == ["Uranium & <the> market", "Grid links"]


def test_facet_feed_follows_any_combination_of_filters(client, newsroom):
    _, feed = read(
        client, reverse("articles:list_feed"), country="kazakhstan", area="energy", tag="jica"
    )
    assert [e.title for e in feed.entries] == ["Uranium & <the> market"]
    assert feed.feed.title == "JICA · Kazakhstan · Energy — Summit"
    assert client.get(reverse("articles:list_feed"), {"tag": "nope"}).status_code == 404
    too_many = {"tag": [f"t{n}" for n in range(10)]}
    assert client.get(reverse("articles:list_feed"), too_many).status_code == 400


def test_feeds_of_unknown_or_unpublished_things_are_404(client, newsroom):
    make_article("Only draft", tags=["hidden"], published=False)
    make_author("nobody")
    for url in [
        reverse("articles:tag_feed", kwargs={"slug": "hidden"}),
        reverse("articles:tag_feed", kwargs={"slug": "missing"}),
        reverse("countries:feed", kwargs={"slug": "atlantis"}),
        reverse("articles:author_feed", kwargs={"username": "nobody"}),
        reverse("articles:author_feed", kwargs={"username": "ghost"}),
    ]:
        assert client.get(url).status_code == 404, url


def test_pages_with_feeds_advertise_them(client, newsroom):
    pages = {
        reverse("home"): "/feed/",
        reverse("articles:tag", kwargs={"slug": "jica"}): "/tags/jica/feed/",
        reverse("countries:detail", kwargs={"slug": "kazakhstan"}): "/countries/kazakhstan/feed/",
        reverse("areas:detail", kwargs={"slug": "energy"}): "/areas/energy/feed/",
        reverse("articles:author", kwargs={"username": "haruka"}): "/authors/haruka/feed/",
    }
    for page, feed_url in pages.items():
        content = client.get(page).content.decode()
        assert 'type="application/rss+xml" title="' in content, page
        assert f'href="{feed_url}"' in content, page
    listing = client.get(reverse("articles:list"), {"country": "kazakhstan", "tag": "jica"})
    facet_feed = "/articles/feed/?tag=jica&amp;country=kazakhstan"
    content = listing.content.decode()
    assert f'type="application/rss+xml" title="These articles" href="{facet_feed}">' in content
    assert f'<a class="feed-link" href="{facet_feed}">' in content


def test_repeat_feed_request_is_answered_not_modified_until_the_feed_changes(client, newsroom):
    first = client.get(reverse("articles:feed"))
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    repeat = client.get(reverse("articles:feed"), headers={"if-none-match": first["ETag"]})
    assert repeat.status_code == 304
    assert repeat.content == b""
    since = client.get(
        reverse("articles:feed"), headers={"if-modified-since": first["Last-Modified"]}
    )
    assert since.status_code == 304
    make_article("Breaking news", days_ago=0)
    changed = client.get(reverse("articles:feed"), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_feed_query_count_does_not_grow_with_items(client, newsroom, django_assert_max_num_queries):
    author = newsroom["author"]
    for number in range(30):
        make_article(
            f"Filler {number}",
            countries=[newsroom["kz"]],
            tags=["JICA", f"t{number}"],
            author=author,
            days_ago=3 + number,
        )
    for url in [
        reverse("articles:feed"),
        reverse("articles:feed_atom"),
        reverse("articles:tag_feed", kwargs={"slug": "jica"}),
        reverse("articles:author_feed", kwargs={"username": "haruka"}),
        reverse("articles:list_feed") + "?country=kazakhstan&tag=jica",
    ]:
        with django_assert_max_num_queries(6):
            response = client.get(url)
        assert response.status_code == 200
