"""Events and commitments on pages that other apps render: `{% load events_tags %}`.

The home, country and area pages belong to `articles`, which may not import this app; their
templates load these tags instead, so the dependency stays pointed from events to them.
Each tag runs a fixed number of small, indexed queries, whatever the number of events.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from countries.models import CooperationArea, Country, places
from events.models import Commitment, Event, StatusChange
from events.structured_data import event_data
from summit.seo import json_ld

register = template.Library()

LATEST_CHANGES = 5
PLACE_EVENTS = 5
PLACE_COMMITMENTS = 5


@register.inclusion_tag("events/includes/home_panel.html")
def events_on_home() -> dict[str, Any]:
    """The next event still expected to take place, and the latest status changes."""
    next_event = Event.objects.upcoming().expected().select_related("host_country").first()
    latest_changes = StatusChange.objects.select_related("event").order_by("-date", "-pk")[
        :LATEST_CHANGES
    ]
    return {"next_event": next_event, "latest_changes": list(latest_changes)}


@register.inclusion_tag("events/includes/place_panel.html")
def events_and_commitments(place: Country | CooperationArea) -> dict[str, Any]:
    """A country's or an area's events (upcoming first, then the latest past) and commitments.

    Their countries and areas are the process's copies (`places()`), not joined: the joins
    (with the register's event and source article, which the panel does not show) made up
    most of the panel's 5 ms on the page of a country with no events at all (issue #12).
    """
    events = Event.objects.all()
    commitments = Commitment.objects.all()
    if isinstance(place, Country):
        events = events.involving(place)
        commitments = commitments.involving(place)
        filter_name = "country"
    else:
        events = events.on_agenda(place)
        commitments = commitments.filter(area=place)
        filter_name = "area"
    upcoming = list(events.upcoming()[:PLACE_EVENTS])
    past = list(events.past()[:PLACE_EVENTS])
    listed_commitments = list(commitments[:PLACE_COMMITMENTS])
    known = places()
    for event in [*upcoming, *past]:
        attach(event, "host_country", known.countries)
    for commitment in listed_commitments:
        attach(commitment, "country", known.countries)
        attach(commitment, "recipient_country", known.countries)
        attach(commitment, "area", known.areas)
    return {
        "place": place,
        "filter_query": f"?{filter_name}={place.slug}",
        "upcoming_events": upcoming,
        "past_events": past,
        "commitments": listed_commitments,
    }


def attach(row: Event | Commitment, field: str, known: dict[int, Any]) -> None:
    """Give `row` its `field` from `known` by id; one missing there is read when used."""
    if (value := known.get(getattr(row, f"{field}_id"))) is not None:
        setattr(row, field, value)


@register.simple_tag(takes_context=True)
def event_json_ld(context: dict[str, Any], event: Event) -> SafeString:
    return json_ld(event_data(context["request"], event))
