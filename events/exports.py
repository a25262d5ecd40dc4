"""The commitment register as rows: the same columns for the CSV and the JSON export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest

from events.models import Commitment

COLUMNS = (
    "id",
    "date",
    "committed_by",
    "committed_by_country",
    "committed_to",
    "committed_to_country",
    "area",
    "what",
    "amount",
    "currency",
    "status",
    "event",
    "event_url",
    "source",
)


def commitment_row(request: HttpRequest, commitment: Commitment) -> dict[str, Any]:
    """One commitment as export values: codes and slugs where a program would join on them.

    Amounts are strings ("3000000000000.00"): exact, as a JSON number would not be.
    """
    event = commitment.event
    source = commitment.source
    return {
        "id": commitment.pk,
        "date": commitment.date.isoformat(),
        "committed_by": commitment.committed_by,
        "committed_by_country": str(commitment.country.code) if commitment.country_id else "",
        "committed_to": commitment.committed_to,
        "committed_to_country": (
            str(commitment.recipient_country.code) if commitment.recipient_country_id else ""
        ),
        "area": commitment.area.slug,
        "what": commitment.what,
        "amount": "" if commitment.amount is None else f"{commitment.amount:f}",
        "currency": commitment.currency,
        "status": commitment.status,
        "event": event.slug if event else "",
        "event_url": request.build_absolute_uri(event.get_absolute_url()) if event else "",
        "source": request.build_absolute_uri(source) if source.startswith("/") else source,
    }


def csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A header line, then one line per row, for a streamed response."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writeheader()
    yield flush()
    for row in rows:
        writer.writerow(row)
        yield flush()
