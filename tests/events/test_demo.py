"""The demo events and commitments: loaded after the demo articles, idempotently."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from countries.models import Country
from events.models import Commitment, Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo_events", stdout=StringIO())


def test_the_demo_tells_the_astana_then_tokyo_story(demo, client):
    summit = Event.objects.get(slug="central-asia-japan-summit-2025")

    assert summit.city == "Tokyo" and summit.host_country.slug == "japan"
    assert list(summit.status_changes.values_list("status", "date")) == [
        ("announced", date(2024, 8, 1)),
        ("postponed", date(2024, 8, 9)),
        ("confirmed", date(2025, 12, 9)),
        ("held", date(2025, 12, 20)),
    ]
    assert summit.participants.count() == 6
    assert summit.commitments.filter(currency="JPY").exists()
    html = client.get(summit.get_absolute_url()).content.decode()
    assert "Astana" in html and "From dialogue to summit" in html


def test_the_demo_has_something_upcoming_and_loads_only_once(demo, client):
    events, commitments = Event.objects.count(), Commitment.objects.count()
    assert Event.objects.upcoming().expected().exists()
    assert Commitment.objects.exclude(amount=None).values("currency").distinct().count() >= 2

    out = StringIO()
    call_command("load_demo_events", stdout=out)

    assert (Event.objects.count(), Commitment.objects.count()) == (events, commitments)
    assert "(0 new)" in out.getvalue()
    assert client.get("/").status_code == 200


def test_the_demo_events_need_the_demo_places_first(db):
    Country.objects.all().delete()
    with pytest.raises(CommandError, match="run load_demo first"):
        call_command("load_demo_events", stdout=StringIO())
