"""Load the demo events (with their status histories) and commitments.

Run after `load_demo`, which brings the countries, areas and articles they refer to; `make
run` runs both. Idempotent: events are matched by slug and commitments by date and text, and
only missing ones are created, so running it again changes nothing and never overwrites an
editor's changes. Histories are written through `Event.save()`, the one write path.

Events marked "illustrative" in the demo files have dates counted from the day they are
loaded, so a fresh demo always has something upcoming; their descriptions say so.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from articles.models import Article
from countries.models import CooperationArea, Country
from events.models import Commitment, Event, OutcomeDocument

DEMO_DIR = settings.BASE_DIR / "events" / "demo"
EVENTS_FILE = DEMO_DIR / "events.json"
COMMITMENTS_FILE = DEMO_DIR / "commitments.json"


def _date(entry: dict[str, Any], today: date) -> date:
    if "date" in entry:
        return date.fromisoformat(entry["date"])
    return today - timedelta(days=entry["days_ago"])


class Command(BaseCommand):
    help = "Load demo events and commitments (safe to run repeatedly; run load_demo first)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        self.today = timezone.localdate()
        self.countries = {country.slug: country for country in Country.objects.all()}
        self.areas = {area.slug: area for area in CooperationArea.objects.all()}
        with translation.override(settings.LANGUAGE_CODE):
            events = self.load_events()
            commitments = self.load_commitments()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo events ready. Events: {Event.objects.count()} ({events} new) · "
                f"Commitments: {Commitment.objects.count()} ({commitments} new)"
            )
        )

    def country(self, slug: str) -> Country:
        try:
            return self.countries[slug]
        except KeyError:
            raise CommandError(f"Unknown country {slug!r}: run load_demo first.") from None

    def area(self, slug: str) -> CooperationArea:
        try:
            return self.areas[slug]
        except KeyError:
            raise CommandError(f"Unknown area {slug!r}: run load_demo first.") from None

    def load_events(self) -> int:
        existing = set(Event.objects.values_list("slug", flat=True))
        created = 0
        for entry in json.loads(EVENTS_FILE.read_text(encoding="utf-8")):
            if entry["slug"] in existing:
                continue
            self.create_event(entry)
            created += 1
        return created

    def create_event(self, entry: dict[str, Any]) -> Event:
        if "start_date" in entry:
            start = date.fromisoformat(entry["start_date"])
            end = date.fromisoformat(entry["end_date"])
        else:
            start = self.today + timedelta(days=entry["days_ahead"])
            end = start + timedelta(days=entry["days_long"] - 1)
        first, *later = entry["history"]
        event = Event(
            name=entry["name"],
            slug=entry["slug"],
            kind=entry["kind"],
            start_date=start,
            end_date=end,
            city=entry["city"],
            host_country=self.country(entry["host_country"]),
            description=entry["description"],
            status=first["status"],
        )
        event.full_clean()
        event.save(status_note=first["note"], status_date=_date(first, self.today))
        for change in later:
            event.status = change["status"]
            event.save(status_note=change["note"], status_date=_date(change, self.today))
        event.participants.set([self.country(slug) for slug in entry["participants"]])
        event.agenda.set([self.area(slug) for slug in entry["agenda"]])
        event.articles.set(Article.objects.filter(slug__in=entry["articles"]))
        OutcomeDocument.objects.bulk_create(
            OutcomeDocument(
                event=event,
                title=document["title"],
                url=document["url"],
                date=date.fromisoformat(document["date"]),
            )
            for document in entry["outcome_documents"]
        )
        return event

    def load_commitments(self) -> int:
        events = {event.slug: event for event in Event.objects.all()}
        created = 0
        for entry in json.loads(COMMITMENTS_FILE.read_text(encoding="utf-8")):
            announced = date.fromisoformat(entry["date"])
            if Commitment.objects.filter(date=announced, what=entry["what"]).exists():
                continue
            commitment = Commitment(
                country=self.country(entry["country"]) if entry.get("country") else None,
                organisation=entry.get("organisation", ""),
                recipient_country=(
                    self.country(entry["recipient_country"])
                    if entry.get("recipient_country")
                    else None
                ),
                recipient=entry.get("recipient", ""),
                area=self.area(entry["area"]),
                what=entry["what"],
                amount=Decimal(entry["amount"]) if entry.get("amount") else None,
                currency=entry.get("currency", ""),
                event=events.get(entry.get("event", "")),
                date=announced,
                source_article=(
                    Article.objects.filter(slug=entry["source_article"]).first()
                    if entry.get("source_article")
                    else None
                ),
                source_url=entry.get("source_url", ""),
            )
            commitment.full_clean()
            commitment.save()
            created += 1
        return created
