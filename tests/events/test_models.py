"""The two write paths: an event's status history and a commitment's status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Commitment, CommitmentUpdate, Event, StatusChange
from tests.events.conftest import make_commitment, make_event

pytestmark = pytest.mark.django_db


def history(event: Event) -> list[tuple[str, str]]:
    return list(event.status_changes.order_by("date", "pk").values_list("status", "note"))


def test_the_first_save_records_the_initial_status(region):
    event = make_event(host=region["kazakhstan"])

    assert history(event) == [("announced", "")]
    assert event.status_changes.get().date == timezone.localdate()


def test_every_status_change_is_kept_with_its_date_and_note(region):
    event = make_event(host=region["kazakhstan"])
    today = timezone.localdate()
    event.status = Event.Status.POSTPONED
    event.save(status_note="host leader cancelled travel", status_date=today + timedelta(days=1))
    event.status = Event.Status.CONFIRMED
    event.save(status_note="rescheduled", status_date=today + timedelta(days=2))

    assert history(event) == [
        ("announced", ""),
        ("postponed", "host leader cancelled travel"),
        ("confirmed", "rescheduled"),
    ]
    assert event.status_changes.get(status="postponed").date == today + timedelta(days=1)
    assert event.last_recorded_status() == "confirmed"


def test_saving_without_a_status_change_adds_no_entry(region):
    event = make_event(host=region["kazakhstan"])
    event.name = "Renamed"
    event.save(status_note="ignored: nothing changed")
    event.save()

    assert history(event) == [("announced", "")]


def test_returning_to_an_earlier_status_is_a_new_entry(region):
    event = make_event(host=region["kazakhstan"])
    for status in (Event.Status.POSTPONED, Event.Status.ANNOUNCED):
        event.status = status
        event.save()

    assert [status for status, _note in history(event)] == ["announced", "postponed", "announced"]


def test_an_event_created_in_another_status_starts_its_history_there(region):
    event = make_event(host=region["kazakhstan"], status=Event.Status.HELD, days_ahead=-5)

    assert history(event) == [("held", "")]


def test_an_event_cannot_end_before_it_starts(region):
    event = Event(
        name="Backwards",
        slug="backwards",
        start_date=date(2025, 5, 2),
        end_date=date(2025, 5, 1),
        city="Tashkent",
        host_country=region["uzbekistan"],
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end_date" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_upcoming_counts_an_event_under_way_and_past_the_ones_that_ended(region):
    today = timezone.localdate()
    under_way = make_event("Under way", start_date=today - timedelta(days=1), days=3)
    ended = make_event("Ended", start_date=today - timedelta(days=3), days=2)
    later = make_event("Later", days_ahead=10)

    assert list(Event.objects.upcoming()) == [under_way, later]
    assert list(Event.objects.past()) == [ended]


def test_a_new_commitment_starts_its_history_and_follows_its_latest_update(region):
    commitment = make_commitment(area=region["energy"], country=region["japan"])
    assert list(commitment.updates.values_list("status", flat=True)) == ["announced"]

    CommitmentUpdate.objects.create(
        commitment=commitment,
        status=Commitment.Status.IN_PROGRESS,
        date=commitment.date + timedelta(days=3),
    )
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.IN_PROGRESS

    # An update dated earlier than the latest does not change the current status.
    CommitmentUpdate.objects.create(
        commitment=commitment, status=Commitment.Status.STALLED, date=commitment.date
    )
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.IN_PROGRESS

    delivered = CommitmentUpdate.objects.create(
        commitment=commitment,
        status=Commitment.Status.DELIVERED,
        date=commitment.date + timedelta(days=9),
    )
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.DELIVERED

    delivered.delete()
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("fields", "field_with_error"),
    [
        ({"organisation": ""}, "organisation"),  # nobody
        ({"organisation": "JICA", "with_country": True}, "organisation"),  # both
        ({"organisation": "JICA", "amount": "100"}, "currency"),
        ({"organisation": "JICA", "currency": "JPY"}, "amount"),
        ({"organisation": "JICA", "amount": "100", "currency": "yen"}, "currency"),
    ],
)
def test_a_commitment_names_who_and_gives_amounts_with_a_currency(region, fields, field_with_error):
    with_country = fields.pop("with_country", False)
    commitment = Commitment(
        country=region["japan"] if with_country else None,
        area=region["energy"],
        what="A promise",
        date=date(2025, 1, 1),
        **fields,
    )
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert field_with_error in error.value.message_dict


def test_the_database_refuses_a_commitment_by_nobody(region):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(area=region["energy"], what="?", date=date(2025, 1, 1))


def test_status_changes_list_in_date_order(region):
    event = make_event(host=region["japan"])
    event.status = Event.Status.CONFIRMED
    event.save(status_date=timezone.localdate() + timedelta(days=1))

    assert [change.status for change in StatusChange.objects.filter(event=event)] == [
        "announced",
        "confirmed",
    ]
