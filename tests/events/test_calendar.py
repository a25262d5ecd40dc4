"""`/events/calendar.ics`: an iCalendar feed that calendar apps read back."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest

from events.models import Event
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db


def read_calendar(client, query: str = "") -> icalendar.Calendar:
    response = client.get(f"/events/calendar.ics{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_parses_back_with_all_day_dates_and_an_exclusive_end(client, region):
    make_event(
        "Tokyo summit",
        host=region["japan"],
        city="Tokyo",
        start_date=date(2030, 12, 19),
        end_date=date(2030, 12, 20),
        status=Event.Status.CONFIRMED,
    )

    calendar = read_calendar(client)

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    entry = vevents(calendar)["Tokyo summit"]
    assert entry.decoded("DTSTART") == date(2030, 12, 19)
    assert entry.decoded("DTEND") == date(2030, 12, 21)  # the day after the last
    assert entry["DTSTART"].params.get("VALUE") == "DATE"
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert str(entry["LOCATION"]) == "Tokyo, Japan"
    assert str(entry["URL"]).endswith("/events/event-" + str(entry["URL"]).split("event-")[1])
    assert entry.get("DTSTAMP") is not None


@pytest.mark.parametrize(
    ("status", "ical_status"),
    [
        (Event.Status.ANNOUNCED, "TENTATIVE"),
        (Event.Status.POSTPONED, "TENTATIVE"),
        (Event.Status.CONFIRMED, "CONFIRMED"),
        (Event.Status.HELD, "CONFIRMED"),
        (Event.Status.CANCELLED, "CANCELLED"),
    ],
)
def test_each_status_maps_to_an_icalendar_status(client, region, status, ical_status):
    make_event("Meeting", host=region["japan"], status=status)

    assert str(vevents(read_calendar(client))["Meeting"]["STATUS"]) == ical_status


def test_an_entry_keeps_its_uid_when_the_event_is_renamed_and_moved(client, region):
    event = make_event("Astana summit", host=region["kazakhstan"])
    before = str(vevents(read_calendar(client))["Astana summit"]["UID"])

    event.name, event.slug, event.city = "Tokyo summit", "tokyo-summit", "Tokyo"
    event.start_date = event.end_date = event.start_date + timedelta(days=100)
    event.save()

    after = vevents(read_calendar(client))
    assert "Astana summit" not in after
    assert str(after["Tokyo summit"]["UID"]) == before


def test_country_narrows_the_feed_to_what_it_hosts_or_attends(client, region):
    make_event("Hosted", host=region["kazakhstan"])
    make_event("Attended", host=region["japan"], participants=[region["kazakhstan"]])
    make_event("Elsewhere", host=region["uzbekistan"])

    narrowed = vevents(read_calendar(client, "?country=kazakhstan"))

    assert set(narrowed) == {"Hosted", "Attended"}
    assert set(vevents(read_calendar(client))) == {"Hosted", "Attended", "Elsewhere"}


def test_the_feed_leaves_out_events_long_over(client, region):
    make_event("Ancient", host=region["japan"], days_ahead=-1000)
    make_event("Recent", host=region["japan"], days_ahead=-100)

    assert set(vevents(read_calendar(client))) == {"Recent"}
