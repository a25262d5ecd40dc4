"""The events as an iCalendar feed (RFC 5545) that calendar apps subscribe to.

Each event is an all-day VEVENT: DTSTART is its first day and DTEND the day after its last
(iCalendar's end of a date range is exclusive). Its UID is built from the primary key and the
site's host, so it stays the same when the event is renamed, moved or re-slugged, and a
subscribed calendar updates the entry rather than adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from events.models import Event

PRODUCT_ID = "-//Summit//Events//EN"

ICAL_STATUS = {
    Event.Status.CANCELLED: "CANCELLED",
    Event.Status.ANNOUNCED: "TENTATIVE",
    Event.Status.POSTPONED: "TENTATIVE",
    Event.Status.CONFIRMED: "CONFIRMED",
    Event.Status.HELD: "CONFIRMED",
}


def event_uid(event: Event, host: str) -> str:
    return f"event-{event.pk}@{host.split(':')[0]}"


def location(event: Event) -> str:
    return f"{event.city}, {event.host_country.name}"


def build_calendar(request: HttpRequest, events: Iterable[Event], title: str) -> bytes:
    """The iCalendar document for `events` (their host countries already fetched)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    calendar.add(
        "x-wr-caldesc",
        _("Summits and meetings followed by %(site)s") % {"site": settings.SITE_NAME},
    )
    host = request.get_host()
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", event_uid(event, host))
        # When this version of the entry was made: the event's last edit, so the feed's bytes
        # (and its ETag) change only when an event does.
        entry.add("dtstamp", event.updated_at)
        entry.add("last-modified", event.updated_at)
        entry.add("dtstart", event.start_date)
        entry.add("dtend", event.end_exclusive)
        entry.add("summary", event.name)
        entry.add("location", location(event))
        entry.add("url", request.build_absolute_uri(event.get_absolute_url()))
        entry.add("status", ICAL_STATUS[Event.Status(event.status)])
        entry.add("categories", [event.get_kind_display()])
        entry.add("description", f"{event.get_kind_display()} · {event.get_status_display()}")
        entry.add("transp", "TRANSPARENT")
        calendar.add_component(entry)
    return calendar.to_ical()
