"""`/commitments/`: the register, its filters, totals per currency and its exports."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from events.models import Commitment, CommitmentUpdate
from tests.events.conftest import make_commitment, make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def pledges(region):
    japan, kazakhstan = region["japan"], region["kazakhstan"]
    summit = make_event("Tokyo summit", host=japan, slug="tokyo-summit")
    rows = {
        "yen": make_commitment(
            country=japan,
            recipient_country=kazakhstan,
            area=region["trade"],
            what="Business projects",
            amount="3000000000000",
            currency="JPY",
            event=summit,
        ),
        "more_yen": make_commitment(
            country=japan, area=region["energy"], what="Grid loans", amount="500", currency="JPY"
        ),
        "euro": make_commitment(
            organisation="European Union",
            recipient="Central Asia",
            area=region["trade"],
            what="Gateway package",
            amount="12000000000",
            currency="EUR",
        ),
        "no_amount": make_commitment(
            country=kazakhstan, area=region["energy"], what="Open a transit hub", event=summit
        ),
    }
    CommitmentUpdate.objects.create(
        commitment=rows["no_amount"],
        status=Commitment.Status.DELIVERED,
        date=rows["no_amount"].date,
        note="Opened",
    )
    return rows


def csv_rows(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/commitments/export.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def json_document(client, query: str = "") -> dict:
    response = client.get(f"/commitments/export.json{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def test_the_register_lists_commitments_with_totals_per_currency(client, pledges):
    response = client.get("/commitments/")

    assert response.status_code == 200
    totals = {row["currency"]: row["total"] for row in response.context["totals"]}
    assert totals == {"EUR": Decimal("12000000000"), "JPY": Decimal("3000000000500")}
    html = response.content.decode()
    assert "3,000,000,000,500 JPY" in html and "12,000,000,000 EUR" in html
    for what in ("Business projects", "Grid loans", "Gateway package", "Open a transit hub"):
        assert what in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?country=japan", {"Business projects", "Grid loans"}),
        # A country's commitments include those it receives.
        ("?country=kazakhstan", {"Business projects", "Open a transit hub"}),
        ("?area=energy", {"Grid loans", "Open a transit hub"}),
        ("?status=delivered", {"Open a transit hub"}),
        ("?status=announced&area=trade", {"Business projects", "Gateway package"}),
        ("?event=tokyo-summit", {"Business projects", "Open a transit hub"}),
    ],
)
def test_filters_apply_alike_to_the_page_and_both_exports(client, pledges, query, expected):
    page = client.get(f"/commitments/{query}")
    assert {c.what for c in page.context["commitments"]} == expected
    assert {row["what"] for row in csv_rows(client, query)} == expected
    assert {row["what"] for row in json_document(client, query)["commitments"]} == expected


def test_the_csv_export_has_status_amount_and_currency_columns(client, pledges):
    rows = {row["what"]: row for row in csv_rows(client)}

    yen = rows["Business projects"]
    assert yen["amount"] == "3000000000000.00"
    assert yen["currency"] == "JPY"
    assert yen["status"] == "announced"
    assert yen["committed_by"] == "Japan" and yen["committed_by_country"] == "JP"
    assert yen["committed_to"] == "Kazakhstan" and yen["committed_to_country"] == "KZ"
    assert yen["event"] == "tokyo-summit" and yen["event_url"].endswith("/events/tokyo-summit/")
    assert rows["Gateway package"]["committed_by"] == "European Union"
    assert rows["Open a transit hub"]["status"] == "delivered"
    assert rows["Open a transit hub"]["amount"] == ""


def test_the_json_export_carries_the_totals_of_its_selection(client, pledges):
    document = json_document(client, "?country=japan")

    assert document["filters"] == {"country": "japan"}
    assert document["count"] == 2
    assert document["totals"] == [{"currency": "JPY", "total": "3000000000500.00", "count": 2}]
    assert {row["status"] for row in document["commitments"]} == {"announced"}


@pytest.mark.parametrize(
    "query",
    [
        "?status=bogus",
        "?status=announced&status=delivered",
        "?country=atlantis",
        "?area=%3Cscript%3E",
        "?event=no-such-event",
    ],
)
@pytest.mark.parametrize(
    "path", ["/commitments/", "/commitments/export.csv", "/commitments/export.json"]
)
def test_bad_filters_on_the_register_and_exports_are_a_400(client, pledges, path, query):
    assert client.get(f"{path}{query}").status_code == 400


def test_an_empty_register_says_so(client, region):
    response = client.get("/commitments/")

    assert response.status_code == 200
    assert "No commitments match these filters." in response.content.decode()
    assert csv_rows(client) == []
