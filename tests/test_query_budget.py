"""Every public page runs a fixed number of SQL queries, however much content there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countries.models import Country
from tests.factories import make_area, make_article, make_country

pytestmark = pytest.mark.django_db

# 13 since the home page shows events: the next event and the latest status changes are two
# fixed queries (events/templatetags/events_tags.py), whatever the number of events. 14 since
# every country and area is read once per content generation (`countries.models.places()`,
# two queries that the first page after a write pays; the other pages here show it).
MAX_QUERIES = 14

PAGES = [
    "/",
    "/articles/",
    "/articles/?page=2",
    "/articles/?tag=common&country=kazakhstan&area=energy",
    "/articles/{slug}/",
    "/tags/",
    "/tags/common/",
    "/countries/",
    "/countries/kazakhstan/",
    "/areas/",
    "/areas/energy/",
]


def add_articles(count: int, start: int = 0) -> str:
    countries = [make_country(name) for name in ("Kazakhstan", "Uzbekistan", "Japan")]
    areas = [make_area(name) for name in ("Energy", "Trade", "Security")]
    slug = ""
    for number in range(start, start + count):
        article = make_article(
            f"Story {number}",
            countries=countries[: 1 + number % 3],
            areas=areas[: 1 + number % 2],
            tags=["common", f"tag-{number}", f"pair-{number // 2}"],
            featured=number % 7 == 0,
            days_ago=number + 1,
        )
        slug = slug or article.slug
    return slug


def queries_per_page(client, slug: str) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        url = page.format(slug=slug)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_query_counts_stay_bounded_and_do_not_grow_with_content(client, settings):
    settings.ARTICLES_PER_PAGE = 5
    slug = add_articles(10)
    small = queries_per_page(client, slug)
    everywhere = list(Country.objects.all())
    for number in range(10, 60):
        make_article(
            f"More {number}",
            countries=everywhere,
            tags=["common", f"tag-{number}"],
            days_ago=number,
        )
    large = queries_per_page(client, slug)
    assert small == large
    assert max(large.values()) <= MAX_QUERIES, large
