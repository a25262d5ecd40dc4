"""The coverage matrix: published articles per country and cooperation area.

It answers "what has the desk covered, and where are the gaps?": countries in rows (the
region first), areas in columns, each cell the number of published articles on both, shaded
by volume and linking to that selection of /articles/. It counts the articles in the page's
language only, as the lists its cells link to do. The counts come from the cached aggregates
of `articles.counts`; a request reads the countries and areas themselves (two queries,
whatever the number of articles).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

from articles.counts import country_area_counts, link_counts, with_counts
from articles.facets import Selection
from articles.models import current_language
from countries.models import CooperationArea, Country

HEAT_LEVELS = 4
ROLE_ORDER = {role: index for index, role in enumerate(Country.Role.values)}


@dataclass(frozen=True)
class Cell:
    area: CooperationArea
    count: int
    level: int  # 0 for a gap, 1..HEAT_LEVELS by volume
    url: str  # the articles on both; empty for a gap


@dataclass(frozen=True)
class Row:
    country: Country  # annotated with article_count
    cells: list[Cell]


@dataclass(frozen=True)
class LegendEntry:
    level: int
    label: str


@dataclass(frozen=True)
class CoverageMatrix:
    areas: list[CooperationArea]  # annotated with article_count
    rows: list[Row]
    legend: list[LegendEntry]
    covered: int  # cells with at least one article

    @property
    def cell_count(self) -> int:
        return len(self.rows) * len(self.areas)


def heat_level(count: int, highest: int) -> int:
    """0 for none, else 1..HEAT_LEVELS in equal steps up to the busiest cell."""
    if count <= 0 or highest <= 0:
        return 0
    return max(1, math.ceil(HEAT_LEVELS * count / highest))


def legend(highest: int) -> list[LegendEntry]:
    """What each shade stands for: "no articles", "1 article", "2\u20133 articles"…"""
    entries = [LegendEntry(0, gettext("no articles"))]
    for level in range(1, HEAT_LEVELS + 1):
        low = highest * (level - 1) // HEAT_LEVELS + 1
        high = highest * level // HEAT_LEVELS
        if low == high:
            label = ngettext("%(count)s article", "%(count)s articles", low) % {
                "count": number_format(low, force_grouping=True)
            }
            entries.append(LegendEntry(level, label))
        elif low < high:
            # The dash is written out, not escaped: makemessages reads the source as it is.
            # Translators: a range of article counts, such as 2 to 3 articles; the plural
            # follows the higher number.
            label = ngettext(
                "%(low)s–%(high)s article",  # noqa: RUF001
                "%(low)s–%(high)s articles",  # noqa: RUF001
                high,
            ) % {
                "low": number_format(low, force_grouping=True),
                "high": number_format(high, force_grouping=True),
            }
            entries.append(LegendEntry(level, label))
    return entries


def coverage_matrix(language: str | None = None) -> CoverageMatrix:
    """The matrix of the published articles in `language`, by default the page's."""
    language = language or current_language()
    totals = link_counts(language)
    countries = sorted(
        with_counts(Country.objects.all(), totals["country"]),
        key=lambda c: (ROLE_ORDER.get(c.role, 99), c.name),
    )
    areas = with_counts(CooperationArea.objects.all(), totals["area"])
    counts = country_area_counts(language)
    highest = max(counts.values(), default=0)
    rows = []
    for country in countries:
        cells = []
        for area in areas:
            count = counts.get((country.pk, area.pk), 0)
            url = Selection(country=country, area=area).url() if count else ""
            cells.append(Cell(area, count, heat_level(count, highest), url))
        rows.append(Row(country, cells))
    return CoverageMatrix(
        areas=areas,
        rows=rows,
        legend=legend(highest),
        covered=sum(1 for row in rows for cell in row.cells if cell.count),
    )
