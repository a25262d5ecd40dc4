"""The filters of the event list, the calendar and the commitment register, read from the query.

A value that is malformed, unknown or given twice is the reader's mistake, answered with a 400
before any list is built; the rules live here once for every page and export that filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from urllib.parse import urlencode

from django.core.exceptions import BadRequest
from django.db.models import Model
from django.http import QueryDict
from django.utils.translation import gettext as _

from countries.models import CooperationArea, Country
from events.models import CommitmentQuerySet, CommitmentStatus, Event, EventQuerySet

SLUG_PATTERN = re.compile(r"^[-\w]{1,220}$")
YEAR_PATTERN = re.compile(r"^[0-9]{4}$")
FIRST_YEAR, LAST_YEAR = 1900, 2200


def _single(params: QueryDict, name: str) -> str | None:
    values = params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(_("Give ?%(name)s= once.") % {"name": name})
    return values[0]


def _by_slug(model: type[Model], params: QueryDict, name: str):
    slug = _single(params, name)
    if slug is None or slug == "":
        return None
    # Malformed values never reach the database (NUL bytes, megabyte-long strings).
    if not SLUG_PATTERN.match(slug):
        raise BadRequest(_("?%(name)s= is not a valid address name.") % {"name": name})
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise BadRequest(_("There is no %(name)s “%(slug)s”.") % {"name": name, "slug": slug})
    return found


def _year(params: QueryDict) -> int | None:
    value = _single(params, "year")
    if value is None or value == "":
        return None
    if not YEAR_PATTERN.match(value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise BadRequest(_("?year= must be a year such as 2025."))
    return int(value)


def _status(params: QueryDict) -> str | None:
    value = _single(params, "status")
    if value is None or value == "":
        return None
    if value not in CommitmentStatus.values:
        raise BadRequest(
            _("?status= must be one of: %(choices)s.")
            % {"choices": ", ".join(CommitmentStatus.values)}
        )
    return value


@dataclass(frozen=True)
class EventFilters:
    country: Country | None = None
    area: CooperationArea | None = None
    year: int | None = None

    @classmethod
    def from_params(cls, params: QueryDict) -> EventFilters:
        return cls(
            country=_by_slug(Country, params, "country"),
            area=_by_slug(CooperationArea, params, "area"),
            year=_year(params),
        )

    def apply(self, events: EventQuerySet) -> EventQuerySet:
        if self.country:
            events = events.involving(self.country)
        if self.area:
            events = events.on_agenda(self.area)
        if self.year:
            events = events.in_year(self.year)
        return events

    def params(self) -> list[tuple[str, str]]:
        return _params(self)

    @property
    def is_empty(self) -> bool:
        return not self.params()


@dataclass(frozen=True)
class CommitmentFilters:
    country: Country | None = None
    area: CooperationArea | None = None
    status: str | None = None
    event: Event | None = None

    @classmethod
    def from_params(cls, params: QueryDict) -> CommitmentFilters:
        return cls(
            country=_by_slug(Country, params, "country"),
            area=_by_slug(CooperationArea, params, "area"),
            status=_status(params),
            event=_by_slug(Event, params, "event"),
        )

    def apply(self, commitments: CommitmentQuerySet) -> CommitmentQuerySet:
        if self.country:
            commitments = commitments.involving(self.country)
        if self.area:
            commitments = commitments.filter(area=self.area)
        if self.status:
            commitments = commitments.filter(status=self.status)
        if self.event:
            commitments = commitments.filter(event=self.event)
        return commitments

    def params(self) -> list[tuple[str, str]]:
        return _params(self)

    @property
    def is_empty(self) -> bool:
        return not self.params()

    @property
    def status_label(self) -> str:
        return CommitmentStatus(self.status).label if self.status else ""


def _params(filters: EventFilters | CommitmentFilters) -> list[tuple[str, str]]:
    pairs = []
    for field in fields(filters):
        value = getattr(filters, field.name)
        if value is None:
            continue
        pairs.append((field.name, str(getattr(value, "slug", value))))
    return pairs


def query_string(filters: EventFilters | CommitmentFilters) -> str:
    """`?country=…&…` for links that keep the filters (empty without filters)."""
    query = urlencode(filters.params())
    return f"?{query}" if query else ""
