"""Factories for events and commitments; the countries and areas come from tests/factories.py."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import Commitment, Event
from tests.factories import make_area, make_country

_sequence = itertools.count(1)


def make_event(
    name: str | None = None,
    *,
    host=None,
    days_ahead: int = 30,
    days: int = 1,
    participants=(),
    agenda=(),
    articles=(),
    **fields,
) -> Event:
    number = next(_sequence)
    name = name or f"Event {number}"
    start = fields.pop("start_date", None) or timezone.localdate() + timedelta(days=days_ahead)
    fields.setdefault("end_date", start + timedelta(days=days - 1))
    fields.setdefault("slug", f"event-{number}")
    fields.setdefault("city", "Astana")
    event = Event.objects.create(
        name=name, start_date=start, host_country=host or make_country(), **fields
    )
    if participants:
        event.participants.set(participants)
    if agenda:
        event.agenda.set(agenda)
    if articles:
        event.articles.set(articles)
    return event


def make_commitment(
    *,
    area,
    country=None,
    organisation: str = "",
    what: str | None = None,
    amount: str | None = None,
    currency: str = "",
    on: date | None = None,
    **fields,
) -> Commitment:
    if country is None and not organisation:
        organisation = "Asian Development Bank"
    return Commitment.objects.create(
        country=country,
        organisation=organisation,
        area=area,
        what=what or f"Promise {next(_sequence)}",
        amount=Decimal(amount) if amount is not None else None,
        currency=currency,
        date=on or timezone.localdate() - timedelta(days=10),
        **fields,
    )


@pytest.fixture
def region(db):
    """Kazakhstan, Japan and Uzbekistan; energy and trade."""
    return {
        "kazakhstan": make_country("Kazakhstan", code="KZ"),
        "japan": make_country("Japan", code="JP"),
        "uzbekistan": make_country("Uzbekistan", code="UZ"),
        "energy": make_area("Energy"),
        "trade": make_area("Trade"),
    }
