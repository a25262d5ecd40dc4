"""Events and commitments on pages that other apps render: `{% load events_tags %}`.

The home, country and area pages belong to `articles`, which may not import this app; their
templates load these tags instead, so the dependency stays pointed from events to them.
Each tag runs a fixed number of small, indexed queries, whatever the number of events.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from countries.models import CooperationArea, Country
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
    """A country's or an area's events (upcoming first, then the latest past) and commitments."""
    events = Event.objects.select_related("host_country")
    commitments = Commitment.objects.for_register()
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
    return {
        "place": place,
        "filter_query": f"?{filter_name}={place.slug}",
        "upcoming_events": upcoming,
        "past_events": past,
        "commitments": list(commitments[:PLACE_COMMITMENTS]),
    }


@register.simple_tag(takes_context=True)
def event_json_ld(context: dict[str, Any], event: Event) -> SafeString:
    return json_ld(event_data(context["request"], event))
