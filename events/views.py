"""Event pages, the calendar feed and the commitment register with its exports."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, Min, Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from articles.models import cards
from articles.pagination import ArticlePaginator
from countries.models import CooperationArea, Country
from events.calendar import build_calendar
from events.exports import commitment_row, csv_lines
from events.filters import CommitmentFilters, EventFilters, query_string
from events.models import Commitment, CommitmentStatus, Event, StatusChange
from events.timeline import build_timeline, event_articles

EVENTS_PER_PAGE = 20
# Upcoming events are few (a calendar's worth); this only bounds a runaway list.
UPCOMING_LIMIT = 100
COMMITMENTS_PER_PAGE = 50
# The register's event choices: the latest events that have commitments.
EVENT_CHOICES_LIMIT = 100
# The calendar covers what a subscriber can still use: two years back and everything ahead.
CALENDAR_PAST = timedelta(days=730)
CALENDAR_LIMIT = 500


class SharedCountPaginatorMixin:
    """Paginate with the articles' paginator: one count per list and filters between writes."""

    paginator_class = ArticlePaginator
    count_name = ""

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return super().get_paginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_key=f"{self.count_name}:{timezone.localdate()}:{urlencode(self.filters.params())}",
            max_pages=None,
            **kwargs,
        )


class EventListView(SharedCountPaginatorMixin, ListView):
    """Upcoming events (soonest first) above past ones (latest first, paginated)."""

    template_name = "events/event_list.html"
    context_object_name = "past_events"
    paginate_by = EVENTS_PER_PAGE
    count_name = "events:past"

    def get_queryset(self):
        self.filters = EventFilters.from_params(self.request.GET)
        self.events = self.filters.apply(Event.objects.select_related("host_country"))
        return self.events.past()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        first_page = context["page_obj"].number == 1
        context.update(
            filters=self.filters,
            filter_query=query_string(self.filters),
            upcoming_events=list(self.events.upcoming()[:UPCOMING_LIMIT]) if first_page else [],
            show_upcoming=first_page,
            countries=Country.objects.all(),
            areas=CooperationArea.objects.all(),
            years=years_with_events(),
        )
        return context


def years_with_events() -> list[int]:
    """The years the year filter offers, latest first: from the first event's to the last's."""
    span = Event.objects.aggregate(first=Min("start_date"), last=Max("start_date"))
    if span["first"] is None:
        return []
    return list(range(span["last"].year, span["first"].year - 1, -1))


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"
    slug_url_kwarg = "slug"

    def get_queryset(self):
        return Event.objects.select_related("host_country").prefetch_related(
            "participants",
            "agenda",
            "outcome_documents",
            Prefetch("status_changes", queryset=StatusChange.objects.order_by("date", "pk")),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("country", "recipient_country", "area"),
            ),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event = self.object
        articles = cards(event_articles(event))
        status_changes = list(event.status_changes.all())
        context.update(
            timeline=build_timeline(status_changes, articles),
            latest_change=status_changes[-1] if status_changes else None,
            commitments=list(event.commitments.all()),
        )
        return context


def calendar_feed(request: HttpRequest) -> HttpResponse:
    """`/events/calendar.ics`, all events or those a country hosts or attends (`?country=`)."""
    filters = EventFilters.from_params(request.GET)
    since = timezone.localdate() - CALENDAR_PAST
    events = (
        filters.apply(Event.objects.select_related("host_country"))
        .filter(end_date__gte=since)
        .order_by("start_date", "pk")[:CALENDAR_LIMIT]
    )
    title = calendar_title(filters)
    response = HttpResponse(
        build_calendar(request, events, title), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="summit-events.ics"'
    return response


def calendar_title(filters: EventFilters) -> str:
    if filters.country:
        return _("Summit events: %(country)s") % {"country": filters.country.name}
    return _("Summit events")


class CommitmentListView(SharedCountPaginatorMixin, ListView):
    """The register: who promised what to whom, filterable, with totals per currency."""

    template_name = "events/commitment_list.html"
    context_object_name = "commitments"
    paginate_by = COMMITMENTS_PER_PAGE
    count_name = "commitments"

    def get_queryset(self):
        self.filters = CommitmentFilters.from_params(self.request.GET)
        return self.filters.apply(Commitment.objects.for_register())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            filters=self.filters,
            filter_query=query_string(self.filters),
            totals=self.filters.apply(Commitment.objects.all()).totals_by_currency(),
            countries=Country.objects.all(),
            areas=CooperationArea.objects.all(),
            statuses=CommitmentStatus.choices,
            events=Event.objects.filter(commitments__isnull=False)
            .distinct()
            .order_by("-start_date")
            .only("name", "slug", "start_date")[:EVENT_CHOICES_LIMIT],
        )
        return context


def _filtered_commitments(request: HttpRequest):
    filters = CommitmentFilters.from_params(request.GET)
    return filters, filters.apply(Commitment.objects.for_register())


def commitments_csv(request: HttpRequest) -> HttpResponse:
    _filters, commitments = _filtered_commitments(request)
    rows = (commitment_row(request, commitment) for commitment in commitments.iterator())
    response = HttpResponse("".join(csv_lines(rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="summit-commitments.csv"'
    return response


def commitments_json(request: HttpRequest) -> HttpResponse:
    filters, commitments = _filtered_commitments(request)
    rows = [commitment_row(request, commitment) for commitment in commitments.iterator()]
    totals = [
        {"currency": total["currency"], "total": f"{total['total']:f}", "count": total["count"]}
        for total in filters.apply(Commitment.objects.all()).totals_by_currency()
    ]
    document = {
        "filters": dict(filters.params()),
        "count": len(rows),
        "totals": totals,
        "commitments": rows,
    }
    return HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
