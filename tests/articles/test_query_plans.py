"""No hot page plans a sequential scan over articles on PostgreSQL.

A few thousand articles inserted in bulk and `ANALYZE`d give the planner real statistics: at
that size a query that cannot use an index already prefers reading the whole table, as it
would at 100,000 articles. Each page is requested twice with the page cache out of the way;
the second request's queries (what every reader's request costs once shared aggregates are
cached) are explained with `EXPLAIN (FORMAT JSON)`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import models, search
from articles.facets import Selection
from articles.models import (
    RELATED_CANDIDATES,
    Article,
    ArticleArea,
    ArticleCountry,
    LinkTally,
    RelatedArticle,
    Tag,
    TaggedArticle,
)
from articles.pagination import MAX_PAGES
from articles.search_backends import postgres as postgres_search
from articles.sitemaps import ARTICLES_PER_SITEMAP, ArticleSitemap
from countries.models import Country
from tests.factories import make_area, make_country, make_user

pytestmark = pytest.mark.django_db

ARTICLES = 4000
WORDS = ["uranium", "hydropower", "rail", "freight", "cotton", "solar", "grid", "water"]
FILLER = [f"filler{n}" for n in range(300)]


def build_newsroom() -> dict[str, str]:
    """Bulk-insert `ARTICLES` articles with links and search entries; return sample slugs."""
    rng = random.Random(12)
    countries = [make_country(name) for name in ("Kazakhstan", "Uzbekistan", "Kyrgyzstan")]
    areas = [make_area(name) for name in ("Energy", "Transport", "Education")]
    tags = [Tag.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(20)]
    authors = [make_user(f"author{n}") for n in range(8)]
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"{rng.choice(WORDS).title()} story {n}" if n % 10 == 0 else f"Story {n}",
            slug=f"story-{n}",
            dek=f"About {rng.choice(FILLER)} and {rng.choice(FILLER)}.",
            # Each topic word in about one body in ten, as a common word is in real news.
            body=" ".join(rng.choice(FILLER if rng.random() < 0.99 else WORDS) for _ in range(80)),
            status=Article.Status.PUBLISHED if n % 20 else Article.Status.DRAFT,
            # One in 25 in Japanese: a language with few articles among many.
            language="ja" if n % 25 == 0 else "en",
            publish_at=now - timedelta(hours=n * 13),  # six years, as generate_content
            author=authors[n % len(authors)],
        )
        for n in range(ARTICLES)
    )
    ArticleCountry.objects.bulk_create(
        ArticleCountry(article=a, country=c)
        for a in articles
        for c in rng.sample(countries, rng.randint(1, 2))
    )
    ArticleArea.objects.bulk_create(
        ArticleArea(article=a, area=rng.choice(areas)) for a in articles
    )
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=a, tag=t) for a in articles for t in rng.sample(tags, 3)
    )
    search.reindex_all()
    LinkTally.objects.rebuild()  # bulk_create sends no signals
    RelatedArticle.objects.rebuild()
    middle = articles[ARTICLES // 2 + 1]  # published: drafts are every 20th
    japanese = articles[ARTICLES // 2 + 25]  # in Japanese, and published
    # One article whose related articles were never chosen: its page scores them live.
    unchosen = articles[ARTICLES // 2 + 3]
    RelatedArticle.objects.filter(article=unchosen).delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "article": middle.slug,
        "article scored live": unchosen.slug,
        "japanese article": japanese.slug,
        "tag": tags[0].slug,
        "country": countries[0].slug,
        "area": areas[0].slug,
        "author": authors[0].username,
        "month": middle.publish_at.strftime("%Y/%m"),
    }


def hot_pages(samples: dict[str, str]) -> dict[str, str]:
    year, month = samples["month"].split("/")
    return {
        "home": reverse("home"),
        "list page 1": reverse("articles:list"),
        "list, deepest page": reverse("articles:list") + f"?page={MAX_PAGES}",
        "list, two facets": reverse("articles:list")
        + f"?country={samples['country']}&area={samples['area']}",
        "tag page": reverse("articles:tag", args=[samples["tag"]]),
        "tag page 5": reverse("articles:tag", args=[samples["tag"]]) + "?page=5",
        "country page": reverse("countries:detail", args=[samples["country"]]),
        "area page": reverse("areas:detail", args=[samples["area"]]),
        "author page": reverse("articles:author", args=[samples["author"]]),
        "article": reverse("articles:detail", args=[samples["article"]]),
        "article scored live": reverse("articles:detail", args=[samples["article scored live"]]),
        "Japanese list": "/ja" + reverse("articles:list"),
        "Japanese article": f"/ja/articles/{samples['japanese article']}/",
        "Japanese country page": "/ja" + reverse("countries:detail", args=[samples["country"]]),
        "feed": reverse("articles:feed"),
        "tag feed": reverse("articles:tag_feed", args=[samples["tag"]]),
        "archive month": reverse("articles:archive_month", args=[year, month]),
        "archive": reverse("articles:archive"),
        # Not a year's page: here a year is a good part of the 4,000 articles, where reading
        # the whole table is the planner's right choice; at 100,000 it reads an index range.
        "sitemap index": reverse("sitemap"),
        "articles' sitemap, last page": reverse("sitemap_section", args=["articles"])
        + f"?p={samples['sitemap pages']}",
        "search, common word": reverse("articles:search") + "?q=uranium",
        "search, common word page 3": reverse("articles:search") + "?q=uranium&page=3",
        "search, misspelling": reverse("articles:search") + "?q=Kazakstan",
    }


def seq_scans_on_articles(plan: dict) -> Iterator[str]:
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") == "articles_article":
        yield plan.get("Filter", "(no filter)")
    for child in plan.get("Plans", []):
        yield from seq_scans_on_articles(child)


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        document = cursor.fetchone()[0]
    return (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]


@pytest.fixture
def without_page_cache(settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]


@pytest.mark.postgres
def test_hot_pages_never_scan_the_whole_articles_table(client, without_page_cache, monkeypatch):
    # Searches consider 1,000 of 100,000 articles, the newest 10,000 first; keep those shares.
    monkeypatch.setattr(search, "MAX_CANDIDATES", ARTICLES // 100)
    monkeypatch.setattr(postgres_search, "RECENT_DOCUMENTS", ARTICLES // 10)
    # Related articles read the newest 100 per shared tag (50 per area, 20 per country) of
    # 100,000; the same share here, so the planner weighs them as it would at full size.
    monkeypatch.setattr(
        models,
        "RELATED_CANDIDATES",
        {kind: max(1, size * ARTICLES // 100_000) for kind, size in RELATED_CANDIDATES.items()},
    )
    # A page of the articles' sitemap holds 500 of 100,000; the same share here.
    monkeypatch.setattr(ArticleSitemap, "limit", ARTICLES_PER_SITEMAP * ARTICLES // 100_000)
    samples = build_newsroom()
    published = Article.objects.published().in_language("en").count()
    samples["sitemap pages"] = str(-(-published // ArticleSitemap.limit))
    failures = []
    for page, url in hot_pages(samples).items():
        assert client.get(url).status_code == 200, page  # fills the shared aggregates
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, page
        for query in queries.captured_queries:
            sql = query["sql"]
            if "articles_article" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            for condition in seq_scans_on_articles(explain(sql)):
                failures.append(f"{page} ({url}): Seq Scan on articles_article {condition}\n{sql}")
    assert not failures, "\n\n".join(failures)


def plan_nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


@pytest.mark.postgres
def test_searches_read_documents_only_through_the_gin_index(monkeypatch):
    """A search's candidates come from the search documents alone, each document reached
    through the GIN index, which holds the words and the links (intersected with the btree
    on the publish time for the recent documents): no scan of a whole table, and no vector
    read row by row to test it (each is a few TOAST pages), except to confirm a phrase on
    the documents that have its words."""
    monkeypatch.setattr(postgres_search, "RECENT_DOCUMENTS", ARTICLES // 10)
    samples = build_newsroom()
    country = Country.objects.get(slug=samples["country"])
    tag = Tag.objects.get(slug=samples["tag"])
    with connection.cursor() as cursor:
        # The settings the statement runs with, as the function holds them.
        cursor.execute(
            "SELECT unnest(proconfig) FROM pg_proc WHERE proname = 'articles_search_by_index'"
        )
        settings = [row[0].split("=", 1) for row in cursor.fetchall()]
        assert ["enable_seqscan", "off"] in settings
        for name, value in settings:
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    searches = {
        "common word": ("uranium", None),
        "two words": ("solar grid", None),
        "common word in a country": ("water", Selection(country=country)),
        "two words with a tag": ("rail freight", Selection(tags=(tag,))),
        "phrase": ('"rail freight"', None),
        "exclusion": ("solar -grid", None),
    }
    for name, (text, within) in searches.items():
        statement = postgres_search.found_statement(
            text, search.parse_query(text), "en", within, ARTICLES // 100
        )
        nodes = list(plan_nodes(explain(statement)))
        scans = [node for node in nodes if node.get("Relation Name")]
        assert {node["Relation Name"] for node in scans} == {"articles_searchdocument"}, name
        assert all(node["Node Type"] == "Bitmap Heap Scan" for node in scans), name
        for index_scan in (node for node in nodes if node["Node Type"] == "Bitmap Index Scan"):
            # The words, and the publish time of the recent documents (intersected with them).
            if index_scan["Index Name"] == "articles_searchdocument_newest":
                assert "publish_at" in index_scan["Index Cond"], name
            else:
                assert index_scan["Index Name"] == "articles_searchdocument_match", name
                assert "@@" in index_scan["Index Cond"], name
        # A vector tested outside the index: only the phrase's confirmation, by name.
        tested = [node for node in nodes if "@@" in node.get("Filter", "")]
        if name == "phrase":
            assert tested and all(node["Alias"].startswith("with_words") for node in tested), name
        else:
            assert not tested, name


def test_a_page_beyond_the_depth_is_a_404_pointing_to_the_archive(client):
    # Refused before anything is counted or read, so no articles are needed.
    response = client.get(reverse("articles:list"), {"page": MAX_PAGES + 1})
    assert response.status_code == 404
    assert reverse("articles:archive").encode() in response.content
