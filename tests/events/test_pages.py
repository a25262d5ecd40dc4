"""Events and commitments on the home, country and area pages, kept current by the cache."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from countries.models import places
from events.models import Event
from events.templatetags.events_tags import events_on_home
from tests.events.conftest import make_commitment, make_event

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_next_expected_event_and_the_latest_changes(client, region):
    make_event(
        "Called-off meeting", host=region["japan"], days_ahead=2, status=Event.Status.CANCELLED
    )
    make_event("Far summit", host=region["japan"], days_ahead=90)
    nearest = make_event(
        "Tashkent summit",
        host=region["uzbekistan"],
        city="Tashkent",
        days_ahead=14,
        status=Event.Status.CONFIRMED,
    )
    make_event("Last year", host=region["japan"], days_ahead=-300, status=Event.Status.HELD)

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    panel = events_on_home()
    assert panel["next_event"] == nearest
    start = nearest.start_date.isoformat()
    assert f'<time datetime="{start}">' in html
    assert "Tashkent, Uzbekistan" in html and "Confirmed" in html
    # The latest status changes, newest first, the cancellation among them.
    assert "Called-off meeting" in html
    assert len(panel["latest_changes"]) == 4


def test_the_home_page_says_when_nothing_is_coming_up(client, region):
    make_event("Last year", host=region["japan"], days_ahead=-300)

    assert "No upcoming event on the calendar." in client.get("/").content.decode()


def test_a_country_page_shows_its_events_and_commitments(client, region):
    kazakhstan = region["kazakhstan"]
    make_event("Astana forum", host=kazakhstan)
    make_event("Tokyo summit", host=region["japan"], participants=[kazakhstan], days_ahead=-20)
    make_event("Samarkand summit", host=region["uzbekistan"])
    make_commitment(
        country=region["japan"],
        recipient_country=kazakhstan,
        area=region["trade"],
        what="Rail wagons for Kazakhstan",
    )
    make_commitment(country=region["uzbekistan"], area=region["trade"], what="Not this one")

    response = client.get("/countries/kazakhstan/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Astana forum" in html and "Tokyo summit" in html
    assert "Samarkand summit" not in html
    assert "Rail wagons for Kazakhstan" in html and "Not this one" not in html
    assert 'href="/events/?country=kazakhstan"' in html
    assert 'href="/commitments/?country=kazakhstan"' in html


def test_the_place_panel_takes_its_countries_and_areas_from_the_kept_places(
    region, django_assert_num_queries
):
    """Three queries (upcoming, past, commitments) that join nothing: the countries and areas
    they name are the process's copies, which the page has read already."""
    kazakhstan = region["kazakhstan"]
    make_event("Tokyo summit", host=region["japan"], participants=[kazakhstan], days_ahead=-20)
    make_event("Astana forum", host=kazakhstan, days_ahead=10)
    make_commitment(
        country=region["japan"], recipient_country=kazakhstan, area=region["trade"], what="Wagons"
    )
    places()
    panel = Template("{% load events_tags %}{% events_and_commitments place %}")

    with django_assert_num_queries(3) as queries:
        html = panel.render(Context({"place": kazakhstan}))

    assert not [query for query in queries.captured_queries if " JOIN " in query["sql"]]

    assert "Tokyo summit</a></h4>" in html
    assert 'Astana, <a href="/countries/japan/">Japan</a>' in html
    assert (
        '<strong><a href="/countries/japan/">Japan</a></strong> → '
        '<a href="/countries/kazakhstan/">Kazakhstan</a>: Wagons'
    ) in html
    assert '<a href="/areas/trade/">Trade</a>' in html


def test_an_area_page_shows_the_events_with_it_on_the_agenda_and_its_commitments(client, region):
    make_event("Energy ministers", host=region["japan"], agenda=[region["energy"]])
    make_event("Trade fair", host=region["japan"], agenda=[region["trade"]])
    make_commitment(country=region["japan"], area=region["energy"], what="Solar plant loan")

    html = client.get("/areas/energy/").content.decode()

    assert "Energy ministers" in html and "Trade fair" not in html
    assert "Solar plant loan" in html
    assert 'href="/events/?area=energy"' in html


@pytest.mark.parametrize("size", [1, 10])
def test_the_panels_cost_the_same_queries_whatever_the_number_of_events(
    client, region, size, django_assert_max_num_queries
):
    for number in range(size):
        make_event(
            f"Summit {number}",
            host=region["kazakhstan"],
            days_ahead=number * 5 - 20,
            participants=[region["japan"]],
            agenda=[region["energy"]],
        )
        make_commitment(country=region["kazakhstan"], area=region["energy"])

    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/countries/kazakhstan/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/areas/energy/").status_code == 200


def test_an_edit_shows_at_once_on_cached_pages(client, region):
    event = make_event("Astana summit", host=region["kazakhstan"], participants=[region["japan"]])
    pages = ["/", "/events/", event.get_absolute_url(), "/countries/japan/", "/events/calendar.ics"]
    for path in pages:
        client.get(path)
    # The pages are stored: a write that bypasses the models (no signal) does not show...
    Event.objects.filter(pk=event.pk).update(name="Silently renamed")
    assert "Silently renamed" not in client.get("/events/").content.decode()

    # ...while a save through the model turns every page over at once.
    event.status = Event.Status.POSTPONED
    event.name = "Astana summit (postponed)"
    event.save(status_note="host leader cancelled travel")

    for path in pages:
        assert "Astana summit (postponed)" in client.get(path).content.decode(), path
    assert "host leader cancelled travel" in client.get(event.get_absolute_url()).content.decode()


def test_a_commitment_update_shows_at_once_in_the_register(client, region):
    commitment = make_commitment(country=region["japan"], area=region["trade"], what="A loan")
    badge = 'class="event-status event-status-delivered">Delivered</span>'
    assert badge not in client.get("/commitments/").content.decode()

    commitment.updates.create(status="delivered", date=timezone.localdate(), note="Signed")

    assert badge in client.get("/commitments/").content.decode()
    assert "A loan" in client.get("/commitments/?status=delivered").content.decode()


def test_cached_lists_turn_over_when_an_event_ends(client, region):
    event = make_event("Short meeting", host=region["japan"], days_ahead=1)
    upcoming_html = client.get("/events/").content.decode()
    assert upcoming_html.index("Short meeting") < upcoming_html.index("Past")

    later = timezone.now() + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        html = client.get("/events/").content.decode()
    assert html.index("Past") < html.index(event.name)
