"""Date archives: years, months, and links between months that have articles."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def on(year: int, month: int, day: int = 10) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


@pytest.fixture
def archive():
    make_article("January one", publish_at=on(2024, 1, 5))
    make_article("January two", publish_at=on(2024, 1, 20))
    make_article("April piece", publish_at=on(2024, 4))
    make_article("April draft", publish_at=on(2024, 5), published=False)
    make_article("Last year", publish_at=on(2023, 11))
    make_article("Next year", publish_at=on(2025, 2))


def titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


def test_month_page_lists_its_published_articles_newest_first(client, archive):
    response = client.get(reverse("articles:archive_month", kwargs={"year": 2024, "month": "01"}))
    assert response.status_code == 200
    assert titles(response) == ["January two", "January one"]
    assert b"<h1>January 2024</h1>" in response.content


def test_months_link_to_the_nearest_months_that_have_articles(client, archive):
    january = client.get(reverse("articles:archive_month", kwargs={"year": 2024, "month": "01"}))
    content = january.content.decode()
    assert 'rel="prev" href="/archive/2023/11/"' in content
    assert 'rel="next" href="/archive/2024/04/"' in content
    april = client.get(reverse("articles:archive_month", kwargs={"year": 2024, "month": "04"}))
    # May only has a draft, so April's next month is February 2025.
    assert 'rel="next" href="/archive/2025/02/"' in april.content.decode()


def test_year_page_lists_months_with_counts_and_its_articles(client, archive):
    response = client.get(reverse("articles:archive_year", kwargs={"year": 2024}))
    assert response.status_code == 200
    assert titles(response) == ["April piece", "January two", "January one"]
    months = [(entry["month"].month, entry["count"]) for entry in response.context["months"]]
    assert months == [(1, 2), (4, 1)]
    content = response.content.decode()
    assert 'href="/archive/2024/01/"' in content and 'href="/archive/2024/04/"' in content
    assert 'rel="prev" href="/archive/2023/"' in content
    assert 'rel="next" href="/archive/2025/"' in content


def test_archive_index_lists_years_and_months(client, archive):
    response = client.get(reverse("articles:archive"))
    assert response.status_code == 200
    assert [year for year, _ in response.context["years"]] == [2025, 2024, 2023]
    assert 'href="/archive/2024/04/"' in response.content.decode()
    assert "/archive/2024/05/" not in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/archive/2024/05/", "/archive/2024/13/", "/archive/1999/", "/archive/99999/"]
)
def test_empty_or_impossible_periods_are_404(client, archive, url):
    assert client.get(url).status_code == 404


def test_archive_queries_stay_bounded(client, archive, django_assert_max_num_queries):
    for url in ["/archive/", "/archive/2024/", "/archive/2024/01/"]:
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200


def test_the_archive_counts_months_from_the_maintained_counts(client, archive, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("articles:archive"))
    months = {
        (entry["month"].year, entry["month"].month): entry["count"]
        for _, entries in response.context["years"]
        for entry in entries
    }
    assert months == {(2025, 2): 1, (2024, 4): 1, (2024, 1): 2, (2023, 11): 1}
    assert not [q for q in captured if "GROUP BY" in q["sql"]]
    # A year's page: its months and its length without reading every article of the year.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("articles:archive_year", kwargs={"year": 2024}))
    assert response.context["paginator"].count == 3
    assert [month.month for month in response.context["date_list"]] == [1, 4]
    assert not [q for q in captured if "DISTINCT" in q["sql"] or "COUNT(" in q["sql"]]

    # Publishing, moving and unpublishing show at once.
    draft = Article.objects.get(title="April draft")
    draft.status = Article.Status.PUBLISHED
    draft.save_revision(user=None)
    moved = Article.objects.get(title="January two")
    moved.publish_at = on(2024, 4, 2)
    moved.save_revision(user=None)
    Article.objects.get(title="Last year").unpublish(user=None)
    response = client.get(reverse("articles:archive_year", kwargs={"year": 2024}))
    counted = [(entry["month"].month, entry["count"]) for entry in response.context["months"]]
    assert counted == [(1, 1), (4, 2), (5, 1)]
    assert client.get(reverse("articles:archive_year", kwargs={"year": 2023})).status_code == 404


def test_months_are_those_of_the_sites_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    # 20:00 UTC on 31 January is 05:00 on 1 February in Tokyo.
    make_article("Late in Tokyo", publish_at=datetime(2024, 1, 31, 20, tzinfo=UTC))
    response = client.get(reverse("articles:archive_year", kwargs={"year": 2024}))
    assert [(e["month"].month, e["count"]) for e in response.context["months"]] == [(2, 1)]
    assert 'href="/archive/2024/02/"' in response.content.decode()
