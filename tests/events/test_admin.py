"""Editors manage events and commitments in the admin; histories are written for them."""

from __future__ import annotations

from datetime import date

import pytest

from events.models import Commitment, Event
from tests.articles.conftest import signed_in
from tests.events.conftest import make_commitment, make_event
from tests.factories import make_contributor, make_editor

pytestmark = pytest.mark.django_db


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def event_form(event: Event | None = None, **overrides) -> dict:
    data = {
        "name": event.name if event else "Astana summit",
        "slug": event.slug if event else "astana-summit",
        "kind": event.kind if event else "summit",
        "start_date": (event.start_date if event else date(2030, 8, 9)).isoformat(),
        "end_date": (event.end_date if event else date(2030, 8, 9)).isoformat(),
        "city": event.city if event else "Astana",
        "host_country": event.host_country_id if event else "",
        "status": event.status if event else "announced",
        "status_note": "",
        "status_date": "",
        "participants": [],
        "agenda": [],
        "articles": [],
        "description": "",
        **inline_management(
            "status_changes",
            event.status_changes.count() if event else 0,
            event.status_changes.count() if event else 0,
        ),
        **inline_management("outcome_documents"),
    }
    if event:
        for index, change in enumerate(event.status_changes.order_by("date", "pk")):
            data[f"status_changes-{index}-id"] = change.pk
            data[f"status_changes-{index}-event"] = event.pk
            data[f"status_changes-{index}-date"] = change.date.isoformat()
            data[f"status_changes-{index}-note"] = change.note
    data.update(overrides)
    return data


def test_an_editor_adds_an_event_and_its_first_status_is_recorded(client, region):
    editor = signed_in(client, make_editor())

    response = editor.post(
        "/admin/events/event/add/",
        event_form(
            host_country=region["kazakhstan"].pk,
            participants=[region["japan"].pk],
            status_note="Leaders' summit planned",
            status_date="2030-07-01",
            **inline_management("outcome_documents", total=1),
            **{
                "outcome_documents-0-title": "Astana Declaration",
                "outcome_documents-0-url": "https://example.org/astana",
                "outcome_documents-0-date": "2030-08-09",
            },
        ),
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    event = Event.objects.get(slug="astana-summit")
    assert list(event.status_changes.values_list("status", "date", "note")) == [
        ("announced", date(2030, 7, 1), "Leaders' summit planned")
    ]
    assert event.outcome_documents.get().title == "Astana Declaration"


def test_changing_the_status_in_the_admin_records_it_with_the_note(client, region):
    editor = signed_in(client, make_editor())
    event = make_event("Astana summit", host=region["kazakhstan"], slug="astana-summit")

    response = editor.post(
        f"/admin/events/event/{event.pk}/change/",
        event_form(event, status="postponed", status_note="host leader cancelled travel"),
    )

    assert response.status_code == 302
    assert list(event.status_changes.values_list("status", "note")) == [
        ("announced", ""),
        ("postponed", "host leader cancelled travel"),
    ]
    # Saving again without a change adds nothing.
    event.refresh_from_db()
    editor.post(f"/admin/events/event/{event.pk}/change/", event_form(event))
    assert event.status_changes.count() == 2


def test_an_end_before_the_start_is_a_form_error(client, region):
    editor = signed_in(client, make_editor())

    response = editor.post(
        "/admin/events/event/add/",
        event_form(host_country=region["kazakhstan"].pk, end_date="2030-08-01"),
    )

    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not Event.objects.exists()


def test_an_editor_adds_a_commitment_update_inline_and_the_status_follows(client, region):
    editor = signed_in(client, make_editor())
    commitment = make_commitment(country=region["japan"], area=region["trade"], what="A loan")
    first = commitment.updates.get()
    data = {
        "country": region["japan"].pk,
        "organisation": "",
        "recipient_country": "",
        "recipient": "Kazakhstan's railways",
        "area": region["trade"].pk,
        "what": "A loan",
        "amount": "",
        "currency": "",
        "event": "",
        "date": commitment.date.isoformat(),
        "source_article": "",
        "source_url": "",
        **inline_management("updates", total=2, initial=1),
        "updates-0-id": first.pk,
        "updates-0-commitment": commitment.pk,
        "updates-0-date": first.date.isoformat(),
        "updates-0-status": "announced",
        "updates-0-note": "",
        "updates-1-commitment": commitment.pk,
        "updates-1-date": "2099-01-01",
        "updates-1-status": "in_progress",
        "updates-1-note": "First tranche paid",
    }

    response = editor.post(f"/admin/events/commitment/{commitment.pk}/change/", data)

    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.IN_PROGRESS
    assert commitment.recipient == "Kazakhstan's railways"


def test_contributors_may_read_events_but_not_change_them(client, region):
    event = make_event("Astana summit", host=region["kazakhstan"])
    contributor = signed_in(client, make_contributor())

    assert contributor.get("/admin/events/event/").status_code == 200
    assert contributor.get(f"/admin/events/event/{event.pk}/change/").status_code == 200
    assert contributor.get("/admin/events/event/add/").status_code == 403
    assert contributor.get("/admin/events/commitment/add/").status_code == 403
