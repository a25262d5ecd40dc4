"""Sitemaps and robots.txt, parsed as a search engine would (lxml)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles import sitemaps
from articles.models import Article
from articles.sitemaps import ArticleSitemap, story_alternates
from summit.cache import bump_content_generation
from tests.factories import make_area, make_article, make_country, make_scheduled

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture
def newsroom():
    kz = make_country("Kazakhstan")
    energy = make_area("Energy")
    return {
        "fresh": make_article("Fresh", countries=[kz], areas=[energy], tags=["jica"], days_ago=1),
        "old": make_article("Old", countries=[kz], tags=["jica"], days_ago=30),
        "draft": make_article("Draft", tags=["hidden-tag"], published=False),
        "scheduled": make_scheduled("Scheduled", tags=["hidden-tag"]),
    }


def parse(client, url: str) -> etree._Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def locations(tree) -> list[str]:
    return tree.xpath("//sm:loc/text()", namespaces=NS)


def test_sitemap_index_lists_every_section(client, newsroom):
    tree = parse(client, "/sitemap.xml")
    assert tree.tag == f"{{{NS['sm']}}}sitemapindex"
    assert set(locations(tree)) == {
        f"http://testserver/sitemap-{section}.xml"
        for section in (
            *("sections", "articles", "news", "tags", "countries", "areas"),
            # The events app's (events/sitemaps.py); no events here, so no lastmod.
            *("event-sections", "events"),
        )
    }
    lastmods = tree.xpath("//sm:sitemap/sm:lastmod/text()", namespaces=NS)
    assert len(lastmods) == 6
    assert max(datetime.fromisoformat(value) for value in lastmods) >= newsroom["fresh"].updated_at


def test_article_sitemap_lists_only_published_articles_with_last_change(client, newsroom):
    tree = parse(client, reverse("sitemap_section", kwargs={"section": "articles"}))
    urls = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in tree.findall("sm:url", namespaces=NS)
    }
    fresh, old = newsroom["fresh"], newsroom["old"]
    assert set(urls) == {
        f"http://testserver{fresh.get_absolute_url()}",
        f"http://testserver{old.get_absolute_url()}",
    }
    lastmod = datetime.fromisoformat(urls[f"http://testserver{fresh.get_absolute_url()}"])
    assert abs(lastmod - max(fresh.updated_at, fresh.publish_at)) < timedelta(seconds=1)
    Article.objects.filter(pk=old.pk).update(updated_at=timezone.now() + timedelta(hours=1))
    bump_content_generation()  # what the write path does; update() bypasses it
    tree = parse(client, reverse("sitemap_section", kwargs={"section": "articles"}))
    newer = tree.xpath(
        f"//sm:url[sm:loc='http://testserver{old.get_absolute_url()}']/sm:lastmod/text()",
        namespaces=NS,
    )[0]
    assert datetime.fromisoformat(newer) > lastmod


def test_news_sitemap_has_the_last_two_days_with_publication_details(client, newsroom):
    tree = parse(client, reverse("sitemap_section", kwargs={"section": "news"}))
    assert locations(tree) == [f"http://testserver{newsroom['fresh'].get_absolute_url()}"]
    assert tree.xpath("//news:publication/news:name/text()", namespaces=NS) == ["Summit"]
    assert tree.xpath("//news:title/text()", namespaces=NS) == ["Fresh"]
    assert tree.xpath("//news:publication_date/text()", namespaces=NS)


def test_taxonomy_sitemaps_skip_what_only_drafts_use(client, newsroom):
    tags = locations(parse(client, reverse("sitemap_section", kwargs={"section": "tags"})))
    assert tags == ["http://testserver/tags/jica/"]
    countries = parse(client, reverse("sitemap_section", kwargs={"section": "countries"}))
    assert locations(countries) == ["http://testserver/countries/kazakhstan/"]
    assert countries.xpath("//sm:lastmod/text()", namespaces=NS)
    areas = locations(parse(client, reverse("sitemap_section", kwargs={"section": "areas"})))
    assert areas == ["http://testserver/areas/energy/"]
    sections = locations(parse(client, reverse("sitemap_section", kwargs={"section": "sections"})))
    assert "http://testserver/" in sections
    assert "http://testserver/articles/" in sections


def test_unknown_sitemap_section_is_404(client, newsroom):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-articles.xml?p=99").status_code == 404


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_admin_and_search(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_the_index_and_the_articles_sitemap_do_no_whole_collection_work_per_request(
    client, newsroom, settings
):
    # Page-cache misses, as between two writes: what is shared per content generation is
    # read from the cache, and nothing counts or dates every published article again. (The
    # taxonomy sections date each page from its articles: the page cache keeps them.)
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    for url in ("/sitemap.xml", "/sitemap-articles.xml"):
        client.get(url)
    for url in ("/sitemap.xml", "/sitemap-articles.xml"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        # Aggregates over published articles, other than the news sitemap's two days.
        whole = [
            q["sql"]
            for q in captured
            if '"articles_article"' in q["sql"]
            and ("COUNT(" in q["sql"] or "MAX(" in q["sql"])
            and '"publish_at" >=' not in q["sql"]
        ]
        assert whole == [], url


def test_the_index_dates_taxonomy_sections_by_the_latest_article_change(client, newsroom):
    tree = parse(client, "/sitemap.xml")
    dated = {
        entry.findtext("sm:loc", namespaces=NS): entry.findtext("sm:lastmod", namespaces=NS)
        for entry in tree.xpath("//sm:sitemap", namespaces=NS)
    }
    latest = max(article.last_modified for article in Article.objects.published().in_language("en"))
    for section in ("sections", "articles", "tags", "countries", "areas"):
        lastmod = dated[f"http://testserver/sitemap-{section}.xml"]
        assert datetime.fromisoformat(lastmod) == latest, section

    newsroom["old"].save_revision(user=None, comment="A fix")
    tree = parse(client, "/sitemap.xml")
    lastmods = tree.xpath("//sm:sitemap/sm:lastmod/text()", namespaces=NS)
    assert max(datetime.fromisoformat(value) for value in lastmods) == (
        Article.objects.get(pk=newsroom["old"].pk).updated_at
    )


def test_the_articles_sitemap_is_paged(client, newsroom, settings, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 1)
    tree = parse(client, "/sitemap.xml")
    pages = [loc for loc in locations(tree) if "sitemap-articles.xml" in loc]
    assert pages == [
        "http://testserver/sitemap-articles.xml",
        "http://testserver/sitemap-articles.xml?p=2",
    ]
    first = locations(parse(client, "/sitemap-articles.xml"))
    second = locations(parse(client, "/sitemap-articles.xml?p=2"))
    assert sorted(first + second) == sorted(
        f"http://testserver{newsroom[name].get_absolute_url()}" for name in ("fresh", "old")
    )
    assert client.get("/sitemap-articles.xml?p=3").status_code == 404


def articles_sitemap_pages(client) -> list[list[str]]:
    """The addresses on each page of the articles' sitemap, as the index lists the pages."""
    index = locations(parse(client, "/sitemap.xml"))
    pages = [loc.removeprefix("http://testserver") for loc in index if "sitemap-articles" in loc]
    return [locations(parse(client, page)) for page in pages]


def test_the_articles_sitemap_pages_are_id_ranges_read_without_an_offset(
    client, newsroom, settings, monkeypatch
):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    more = [make_article(f"More {n}") for n in range(5)]
    make_article("Japanese", language="ja")
    published = [newsroom["fresh"], newsroom["old"], *more]

    pages = articles_sitemap_pages(client)
    # Seven published English articles, two a page, oldest id first; drafts, scheduled
    # articles and other languages' articles on none.
    assert pages == [
        [f"http://testserver{article.get_absolute_url()}" for article in pair]
        for pair in (published[0:2], published[2:4], published[4:6], published[6:7])
    ]
    with CaptureQueriesContext(connection) as captured:
        client.get("/sitemap-articles.xml?p=4")
    (page_query,) = [q["sql"] for q in captured if '"articles_article"."updated_at"' in q["sql"]]
    assert "OFFSET" not in page_query.upper()
    assert '"articles_article"."id" >=' in page_query


def test_a_new_article_joins_the_last_page_of_the_articles_sitemap(client, newsroom, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    make_article("Third")
    before = articles_sitemap_pages(client)
    assert [len(page) for page in before] == [2, 1]
    newest = make_article("Newest")
    after = articles_sitemap_pages(client)
    # Pages are id ranges: the earlier pages keep their addresses for crawlers.
    assert after == [before[0], [*before[1], f"http://testserver{newest.get_absolute_url()}"]]


def test_a_language_without_articles_has_one_empty_articles_sitemap(client, newsroom):
    assert locations(parse(client, "/ru/sitemap-articles.xml")) == []
    assert client.get("/ru/sitemap-articles.xml?p=2").status_code == 404


@pytest.fixture
def starts_read(monkeypatch) -> list[int]:
    """Each time the page starts are read from the articles (the page size read for)."""
    reads: list[int] = []
    read = sitemaps.read_page_starts
    monkeypatch.setattr(
        sitemaps, "read_page_starts", lambda per_page: reads.append(per_page) or read(per_page)
    )
    return reads


def test_the_page_starts_are_read_again_only_when_the_count_has_moved_by_half_a_page(
    client, newsroom, settings, monkeypatch, starts_read
):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    monkeypatch.setattr(ArticleSitemap, "limit", 4)
    more = [make_article(f"More {n}") for n in range(5)]
    published = [newsroom["fresh"], newsroom["old"], *more]
    addresses = [f"http://testserver{article.get_absolute_url()}" for article in published]
    assert articles_sitemap_pages(client) == [addresses[0:4], addresses[4:7]]
    assert len(starts_read) == 1

    # An edit moves the content generation, but not the number of published articles.
    more[0].title = "More, retitled"
    more[0].save_revision(user=None, comment="A better title")
    assert articles_sitemap_pages(client) == [addresses[0:4], addresses[4:7]]
    # One article more (less than half a page): it joins the last page.
    one = make_article("One more")
    pages = articles_sitemap_pages(client)
    assert pages == [
        addresses[0:4],
        [*addresses[4:7], f"http://testserver{one.get_absolute_url()}"],
    ]
    assert len(starts_read) == 1

    # Two more (half a page since the starts were read): read again, pages of four.
    two = [make_article(f"Two {n}") for n in range(2)]
    addresses += [f"http://testserver{article.get_absolute_url()}" for article in [one, *two]]
    assert articles_sitemap_pages(client) == [addresses[0:4], addresses[4:8], addresses[8:10]]
    assert len(starts_read) == 2


def test_no_article_falls_outside_the_pages_whatever_the_starts(
    client, newsroom, settings, monkeypatch, starts_read
):
    """The starts may be older than the latest publications: an article published since with
    an id below the first start is on the first page, and one taken off is on none."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    monkeypatch.setattr(ArticleSitemap, "limit", 4)
    newsroom["fresh"].unpublish(user=None)
    more = [make_article(f"More {n}") for n in range(5)]
    before = articles_sitemap_pages(client)
    assert len(starts_read) == 1
    assert f"http://testserver{newsroom['fresh'].get_absolute_url()}" not in [
        address for page in before for address in page
    ]

    newsroom["fresh"].publish(user=None, override_reason="Tests")  # the lowest id of all
    more[2].unpublish(user=None)
    pages = articles_sitemap_pages(client)

    assert len(starts_read) == 1
    assert pages[0][0] == f"http://testserver{newsroom['fresh'].get_absolute_url()}"
    listed = sorted(address for page in pages for address in page)
    assert listed == sorted(
        f"http://testserver{article.get_absolute_url()}"
        for article in Article.objects.published().in_language("en")
    )
    assert f"http://testserver{more[2].get_absolute_url()}" not in listed


@pytest.mark.parametrize("far_apart", [False, True], ids=["ids close together", "ids far apart"])
def test_story_alternates_name_every_published_version_of_translated_stories(far_apart):
    original = make_article("Original", slug="original")
    japanese = make_article("Japanese", slug="japanese", language="ja", translation_of=original)
    make_article("Russian draft", language="ru", translation_of=original, published=False)
    far = {"pk": original.pk + 10_000} if far_apart else {}
    alone = make_article("Alone", slug="alone", **far)
    en = {article.pk: article for article in Article.objects.filter(language="en")}
    ja = Article.objects.get(pk=japanese.pk)

    # An English page: its original has a Japanese version, the other article none.
    assert story_alternates([en[original.pk], en[alone.pk]]) == {
        original.pk: {"en": "/articles/original/", "ja": "/ja/articles/japanese/"}
    }
    # A Japanese page, where the translation is listed and its original is not.
    assert story_alternates([ja, en[alone.pk]]) == {
        original.pk: {"en": "/articles/original/", "ja": "/ja/articles/japanese/"}
    }
