"""Sitemaps of the events and of the event and commitment indexes, in every language."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from articles.sitemaps import AlternatesMixin
from events.models import Commitment, Event


class EventSitemap(AlternatesMixin, Sitemap):
    def items(self) -> QuerySet[Event]:
        return Event.objects.only("slug", "updated_at").order_by("start_date", "pk")

    def lastmod(self, item: Event) -> datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime | None:
        return Event.objects.aggregate(latest=Max("updated_at"))["latest"]


class EventSectionSitemap(AlternatesMixin, Sitemap):
    """The event list and the commitment register."""

    def items(self) -> list[str]:
        self.latest = {
            "events:list": Event.objects.aggregate(latest=Max("updated_at"))["latest"],
            "events:commitments": Commitment.objects.aggregate(latest=Max("updated_at"))["latest"],
        }
        return list(self.latest)

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str) -> datetime | None:
        return self.latest[item]


SITEMAPS: dict[str, type[Sitemap]] = {
    "event-sections": EventSectionSitemap,
    "events": EventSitemap,
}
