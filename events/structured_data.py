"""An event as schema.org `Event` JSON-LD; `summit.seo.json_ld()` writes the script block."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.text import Truncator

from events.models import Event
from summit.rendering import render_markdown
from summit.seo import SCHEMA

DESCRIPTION_WORDS = 60

# schema.org has no "announced" or "held": an event on the calendar is scheduled.
EVENT_STATUS = {
    Event.Status.CANCELLED: f"{SCHEMA}/EventCancelled",
    Event.Status.POSTPONED: f"{SCHEMA}/EventPostponed",
}
SCHEDULED = f"{SCHEMA}/EventScheduled"


def plain_description(event: Event) -> str:
    text = strip_tags(render_markdown(event.description)).strip()
    return Truncator(" ".join(text.split())).words(DESCRIPTION_WORDS)


def event_data(request: HttpRequest, event: Event) -> dict[str, Any]:
    """The Event document; reads the host country the view already fetched."""
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": event.name,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "startDate": event.start_date.isoformat(),
        "endDate": event.end_date.isoformat(),
        "eventStatus": EVENT_STATUS.get(event.status, SCHEDULED),
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": event.city,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": event.city,
                "addressCountry": str(event.host_country.code),
            },
        },
    }
    description = plain_description(event)
    if description:
        data["description"] = description
    return data
