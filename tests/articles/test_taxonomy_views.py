from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from countries.models import Country
from tests.factories import make_area, make_article, make_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    kz = make_country("Kazakhstan", capital="Astana", body="## Profile\n\nSteppe and uranium.")
    japan = make_country("Japan", role=Country.Role.HOST, capital="Tokyo")
    china = make_country("China", role=Country.Role.PARTNER, capital="Beijing")
    energy = make_area("Energy", summary="Power and fuels.", body="Grids *and* pipelines.")
    trade = make_area("Trade")
    make_article("Uranium", countries=[kz, japan], areas=[energy])
    make_article("Railways", countries=[kz, china], areas=[trade])
    make_article("Draft on Kazakhstan", countries=[kz], areas=[trade], published=False)
    return {"kz": kz, "japan": japan, "china": china, "energy": energy, "trade": trade}


def test_country_list_groups_by_role_with_published_counts(client, region):
    response = client.get(reverse("countries:list"))
    page = response.content.decode()
    assert response.status_code == 200
    groups = {role: [c.name for c in members] for role, members in response.context["groups"]}
    assert groups == {"central_asia": ["Kazakhstan"], "host": ["Japan"], "partner": ["China"]}
    assert "Astana · 2 articles" in page


def test_country_page_shows_profile_articles_and_areas_covered(client, region):
    response = client.get(region["kz"].get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h2>Profile</h2>" in page
    assert [a.title for a in response.context["articles"]] == ["Railways", "Uranium"]
    assert "Draft on Kazakhstan" not in page
    areas = {(o.label, o.count, o.url) for o in response.context["facets"].areas}
    assert areas == {
        ("Energy", 1, "/articles/?country=kazakhstan&area=energy"),
        ("Trade", 1, "/articles/?country=kazakhstan&area=trade"),
    }


def test_area_list_shows_every_area_with_counts(client, region):
    response = client.get(reverse("areas:list"))
    assert response.status_code == 200
    assert [(a.name, a.article_count) for a in response.context["areas"]] == [
        ("Energy", 1),
        ("Trade", 1),
    ]
    assert "Power and fuels." in response.content.decode()


def test_area_page_shows_description_articles_and_countries_involved(client, region):
    response = client.get(region["energy"].get_absolute_url())
    page = response.content.decode()
    assert "Grids <em>and</em> pipelines." in page
    assert [a.title for a in response.context["articles"]] == ["Uranium"]
    assert {o.label for o in response.context["facets"].countries} == {"Kazakhstan", "Japan"}


@pytest.mark.parametrize(
    ("path", "status"),
    # A NUL in the address is refused before any lookup (summit/request_checks.py).
    [("/countries/atlantis/", 404), ("/areas/space-race/", 404), ("/areas/%00/", 400)],
)
def test_unknown_country_or_area_is_a_404(client, region, path, status):
    assert client.get(path).status_code == status


def test_country_page_pagination_rejects_bad_pages(client, region):
    assert client.get(region["kz"].get_absolute_url() + "?page=7").status_code == 404


def test_country_page_shows_the_country_highlighted_on_the_map(client, region):
    page = client.get(region["kz"].get_absolute_url()).content.decode()
    assert page.count('class="map-land map-highlight"') == 1
    assert "Kazakhstan on the map of Central Asia and its neighbours" in page


def test_partner_outside_the_map_gets_no_map(client, db):
    usa = make_country("United States", code="US", role=Country.Role.PARTNER)
    page = client.get(usa.get_absolute_url()).content.decode()
    assert "region-map" not in page


def test_country_list_map_links_the_region_to_its_pages(client, region):
    page = client.get(reverse("countries:list")).content.decode()
    assert 'href="/countries/kazakhstan/"' in page
    assert 'aria-label="Kazakhstan"' in page or "Kazakhstan</title>" in page
    assert page.count('class="map-link"') == 2  # Kazakhstan and Japan; China is a partner


def test_coverage_chart_counts_published_articles_per_month(client, region):
    response = client.get(region["kz"].get_absolute_url())
    series = response.context["coverage_series"]
    assert len(series) == 12
    assert sum(count for _, count in series) == 2  # the draft is not counted
    page = response.content.decode()
    assert page.count('class="chart-bar"') == 12
    assert "Articles per month as a table" in page


def test_coverage_charts_read_the_maintained_counts_per_month(client, region, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    kz, energy = region["kz"], region["energy"]
    three_months_ago = timezone.now() - timedelta(days=92)
    make_article("Older", countries=[kz], areas=[energy], publish_at=three_months_ago)
    for url in (kz.get_absolute_url(), energy.get_absolute_url()):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        series = dict(response.context["coverage_series"])
        month = timezone.localtime(three_months_ago).date().replace(day=1)
        assert series[month] == 1, url
        assert sum(series.values()) == (3 if url == kz.get_absolute_url() else 2)
        # No count per month grouped over the place's articles.
        assert not [q for q in captured if "GROUP BY" in q["sql"] and "publish_at" in q["sql"]]
