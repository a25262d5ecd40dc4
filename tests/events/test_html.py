"""Every event and commitment page kind passes the Nu HTML checker, with headings in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from events.models import Event
from tests.events.conftest import make_commitment, make_event
from tests.factories import make_article
from tests.summit.test_html_validity import describe, run_vnu, skipped_levels, vnu_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(client, region, tmp_path) -> dict[str, Path]:
    story = make_article("Leaders meet", countries=[region["japan"]])
    event = make_event(
        "Tokyo summit",
        host=region["japan"],
        days=2,
        participants=[region["kazakhstan"], region["japan"]],
        agenda=[region["trade"]],
        articles=[story],
        description="Leaders **met** in Tokyo.",
    )
    event.status = Event.Status.POSTPONED
    event.save(status_note="host leader cancelled travel")
    event.outcome_documents.create(
        title="Declaration", url="https://example.org/d", date=event.start_date
    )
    make_event("Old forum", host=region["kazakhstan"], days_ahead=-40, agenda=[region["trade"]])
    make_commitment(
        country=region["japan"],
        recipient_country=region["kazakhstan"],
        area=region["trade"],
        amount="100",
        currency="JPY",
        event=event,
        source_article=story,
    )
    make_commitment(organisation="European Union", recipient="Central Asia", area=region["trade"])
    urls = {
        "home": "/",
        "event-list": "/events/?country=japan",
        "event-detail": event.get_absolute_url(),
        "event-detail-ja": f"/ja{event.get_absolute_url()}",
        "commitments": "/commitments/",
        "commitments-filtered": "/commitments/?area=trade&status=announced",
        "country-detail": "/countries/kazakhstan/",
        "area-detail": "/areas/trade/",
        "bad-filter": "/events/?year=abc",
    }
    folder = tmp_path / "pages"
    folder.mkdir()
    written = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == (400 if name == "bad-filter" else 200), name
        path = folder / f"{name}.html"
        path.write_bytes(response.content)
        written[name] = path
    return written


def test_event_pages_pass_the_nu_html_checker(pages):
    command = vnu_command()
    errors = run_vnu(command, list(pages.values()))
    assert not errors, f"The Nu HTML checker found {len(errors)} error(s):\n{describe(errors)}"


def test_event_pages_have_headings_without_skipped_levels(pages):
    problems = {
        name: skipped
        for name, path in pages.items()
        if (skipped := skipped_levels(path.read_text(encoding="utf-8")))
    }
    assert not problems, problems
