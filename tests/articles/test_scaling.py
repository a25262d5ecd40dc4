"""Each page kind runs as many queries at 1,000 articles as at 10, with a cold or a warm cache.

The articles are bulk-created the way `generate_content` does it, so the thousand cost a few
inserts. Bulk inserts send no signals, so the test moves the content generation itself, as
the write path would.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleArea, ArticleCountry, LinkTally, Tag, TaggedArticle
from countries.models import CooperationArea, Country
from summit.cache import bump_content_generation
from tests.factories import make_area, make_country

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/articles/",
    "/articles/?page=2",
    "/articles/?country=kazakhstan",
    "/articles/?tag=tag-0",
    "/articles/?tag=tag-0&country=kazakhstan&area=energy",
    "/articles/{slug}/",
    "/tags/",
    "/tags/tag-0/",
    "/countries/",
    "/countries/kazakhstan/",
    "/areas/",
    "/areas/energy/",
    "/coverage/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
]
# Pages whose counts come from the cache: a warm cache must save them queries.
COUNTING_PAGES = {page for page in PAGES if page not in {"/articles/{slug}/"}}


@pytest.fixture
def vocabulary() -> dict[str, list]:
    countries = [
        make_country("Kazakhstan"),
        make_country("Uzbekistan"),
        make_country("Japan", role=Country.Role.HOST),
        make_country("China", role=Country.Role.PARTNER),
    ]
    areas = [make_area(name) for name in ("Energy", "Trade", "Security")]
    tags = Tag.objects.bulk_create(Tag(name=f"tag-{n}", slug=f"tag-{n}") for n in range(20))
    return {"countries": countries, "areas": areas, "tags": tags}


def add_articles(vocabulary: dict[str, list], count: int, start: int) -> None:
    """`count` articles, each with one to three countries, areas and tags; a few not public."""
    rng = random.Random(start)
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Story {number}",
            slug=f"story-{number}",
            dek=f"Standfirst {number}",
            body=f"Body of story {number}.",
            status=Article.Status.DRAFT if number % 25 == 24 else Article.Status.PUBLISHED,
            # One in fifty is scheduled for tomorrow.
            publish_at=now + timedelta(days=1 if number % 50 == 49 else -1 - number / 10),
            featured=number % 9 == 0,
        )
        for number in range(start, start + count)
    )
    countries, areas, tags = (vocabulary[kind] for kind in ("countries", "areas", "tags"))
    links: dict[type, list] = {ArticleCountry: [], ArticleArea: [], TaggedArticle: []}
    for index, article in enumerate(articles):
        # The first article of each batch carries every filter the pages use.
        first = index == 0
        for country in [countries[0]] if first else rng.sample(countries, rng.randint(1, 3)):
            links[ArticleCountry].append(ArticleCountry(article=article, country=country))
        for area in [areas[0]] if first else rng.sample(areas, rng.randint(1, 2)):
            links[ArticleArea].append(ArticleArea(article=article, area=area))
        for tag in [tags[0]] if first else rng.sample(tags, rng.randint(1, 3)):
            links[TaggedArticle].append(TaggedArticle(content_object=article, tag=tag))
    for model, rows in links.items():
        model.objects.bulk_create(rows)
    # bulk_create sends no signals: count the new articles as generate_content does.
    LinkTally.objects.sync([article.pk for article in articles])
    bump_content_generation()


def query_counts(client, slug: str, *, warm: bool) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        url = page.format(slug=slug)
        cache.clear()
        if warm:
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = len(captured)
    return counts


def test_every_page_runs_as_many_queries_at_1000_articles_as_at_10(client, settings, vocabulary):
    settings.ARTICLES_PER_PAGE = 5
    # The views' own queries: with the page cache in front, a warm request runs none at all,
    # which would say nothing about the cached counts behind it (tests/summit covers it).
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    add_articles(vocabulary, 10, start=0)
    slug = "story-0"
    cold_small = query_counts(client, slug, warm=False)
    warm_small = query_counts(client, slug, warm=True)

    add_articles(vocabulary, 990, start=10)
    assert Article.objects.count() == 1000
    cold_large = query_counts(client, slug, warm=False)
    warm_large = query_counts(client, slug, warm=True)

    assert cold_small == cold_large
    assert warm_small == warm_large
    for page in PAGES:
        assert warm_large[page] <= cold_large[page], page
    for page in COUNTING_PAGES:
        assert warm_large[page] < cold_large[page], page


def test_counts_at_1000_articles_match_a_direct_count(client, vocabulary):
    add_articles(vocabulary, 1000, start=0)
    published = Article.objects.published()
    response = client.get("/countries/")
    shown = {country.slug: country.article_count for country in response.context["countries"]}
    for country in Country.objects.all():
        assert shown[country.slug] == published.filter(countries=country).count()
    response = client.get("/areas/")
    for area in response.context["areas"]:
        expected = published.filter(cooperation_areas=area).count()
        assert area.article_count == expected, area.slug
    area = CooperationArea.objects.get(slug="energy")
    matrix = client.get("/coverage/").context["matrix"]
    for row in matrix.rows:
        cell = next(cell for cell in row.cells if cell.area == area)
        expected = published.filter(countries=row.country, cooperation_areas=area).count()
        assert cell.count == expected, row.country.slug
