from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.coverage import heat_level, legend
from countries.models import Country
from tests.factories import make_area, make_article, make_country, make_scheduled

pytestmark = pytest.mark.django_db

URL = "/coverage/"


@pytest.fixture
def desk():
    kz = make_country("Kazakhstan", code="KZ")
    uz = make_country("Uzbekistan", code="UZ")
    jp = make_country("Japan", code="JP", role=Country.Role.HOST)
    cn = make_country("China", code="CN", role=Country.Role.PARTNER)
    energy = make_area("Energy", position=1)
    trade = make_area("Trade", position=2)
    health = make_area("Health", position=3)
    make_article(countries=[kz, jp], areas=[energy, trade])
    make_article(countries=[kz], areas=[energy])
    make_article(countries=[kz, uz], areas=[energy])
    make_article(countries=[uz], areas=[trade])
    make_article(countries=[jp])  # no area: counts for Japan, in no cell
    make_article(areas=[health])  # no country: in no cell
    # Not public: never counted.
    make_article(countries=[cn], areas=[health], published=False)
    make_scheduled(countries=[cn], areas=[energy])
    return {"kz": kz, "uz": uz, "jp": jp, "cn": cn, "energy": energy, "trade": trade}


def cells(response) -> dict[tuple[str, str], int]:
    matrix = response.context["matrix"]
    return {
        (row.country.slug, cell.area.slug): cell.count for row in matrix.rows for cell in row.cells
    }


def test_each_cell_counts_published_articles_on_both(client, desk):
    response = client.get(URL)
    assert response.status_code == 200
    counts = cells(response)
    assert counts[("kazakhstan", "energy")] == 3
    assert counts[("kazakhstan", "trade")] == 1
    assert counts[("uzbekistan", "energy")] == 1
    assert counts[("uzbekistan", "trade")] == 1
    assert counts[("japan", "energy")] == 1
    assert counts[("japan", "trade")] == 1
    assert counts[("japan", "health")] == 0
    assert counts[("china", "health")] == 0  # a draft
    assert counts[("china", "energy")] == 0  # scheduled
    assert response.context["matrix"].covered == 6


def test_matrix_agrees_with_the_facet_pages(client, desk):
    matrix = client.get(URL).context["matrix"]
    for row in matrix.rows:
        listing = client.get(reverse("articles:list"), {"country": row.country.slug})
        facets = {option.label: option.count for option in listing.context["facets"].areas}
        assert {cell.area.name: cell.count for cell in row.cells if cell.count} == facets
        assert listing.context["paginator"].count == row.country.article_count


def test_cells_link_to_the_articles_on_both(client, desk):
    response = client.get(URL)
    matrix = response.context["matrix"]
    links = {cell.url: cell.count for row in matrix.rows for cell in row.cells if cell.count}
    assert "/articles/?country=kazakhstan&area=energy" in links
    for url, count in links.items():
        page = client.get(url)
        assert page.status_code == 200
        assert page.context["paginator"].count == count
    content = response.content.decode()
    assert 'href="/articles/?country=kazakhstan&amp;area=energy"' in content
    assert content.count("/articles/?country=china") == 0


def test_rows_put_the_region_first_and_show_totals(client, desk):
    matrix = client.get(URL).context["matrix"]
    assert [row.country.name for row in matrix.rows] == [
        "Kazakhstan",
        "Uzbekistan",
        "Japan",
        "China",
    ]
    totals = {row.country.name: row.country.article_count for row in matrix.rows}
    assert totals == {"Kazakhstan": 3, "Uzbekistan": 2, "Japan": 2, "China": 0}
    assert [(a.name, a.article_count) for a in matrix.areas] == [
        ("Energy", 3),
        ("Trade", 2),
        ("Health", 1),
    ]


def test_table_is_readable_and_shaded_by_volume(client, desk):
    content = client.get(URL).content.decode()
    assert '<table class="data coverage-matrix">' in content
    assert "<caption>" in content
    assert '<th scope="col">' in content and '<th scope="row">' in content
    assert 'class="heat-4"' in content  # the busiest cell
    assert 'class="heat-0"' in content  # the gaps
    assert '3<span class="visually-hidden"> articles on Kazakhstan and Energy</span>' in content
    assert "style=" not in content


def test_query_count_is_bounded_whatever_the_content(client, desk, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    more = [make_country(f"Extra {n}", role=Country.Role.PARTNER) for n in range(3)]
    areas = [make_area(f"Topic {n}") for n in range(4)]
    for n in range(20):
        make_article(countries=more[: n % 3 + 1], areas=areas[: n % 4 + 1], days_ago=n + 1)
    with django_assert_max_num_queries(len(small)):
        response = client.get(URL)
    assert len(response.context["matrix"].rows) == 7
    assert len(small) <= 6


def test_coverage_is_in_the_site_navigation(client, desk):
    home = client.get("/").content.decode()
    assert '<a href="/coverage/"' in home
    page = client.get(URL).content.decode()
    assert 'href="/coverage/" aria-current="page"' in page


def test_page_without_countries_or_areas_says_so(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "No countries or cooperation areas yet." in response.content.decode()


def test_heat_levels_and_legend():
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 4, 5, 8)] == [0, 1, 1, 2, 2, 3, 4]
    assert heat_level(1, 1) == 4
    assert heat_level(0, 0) == 0
    assert [entry.label for entry in legend(8)] == [
        "no articles",
        "1\u20132 articles",
        "3\u20134 articles",
        "5\u20136 articles",
        "7\u20138 articles",
    ]
    assert [entry.label for entry in legend(1)] == ["no articles", "1 article"]
    assert [entry.level for entry in legend(2)] == [0, 2, 4]
    assert legend(0) == legend(0)[:1]
    # Each count falls in the legend entry of its own shade.
    for highest in range(1, 30):
        for count in range(1, highest + 1):
            level = heat_level(count, highest)
            assert any(e.level == level for e in legend(highest))


def test_scheduled_article_joins_the_matrix_when_its_time_comes(client, desk, time_machine):
    time_machine.move_to(timedelta(days=4))
    assert cells(client.get(URL))[("china", "energy")] == 1
