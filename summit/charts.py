"""Server-side SVG bar chart of coverage (articles per month).

The chart is plain inline SVG with no inline styles or scripts (the site runs
a strict CSP), so all colours and sizes come from these CSS classes:

``coverage-chart`` (the ``<svg>``; give it ``width: 100%`` and a height of
``HEIGHT`` pixels), ``chart-bar`` (each bar), ``chart-baseline`` (the x-axis
line), ``chart-axis`` (month labels), ``chart-month-rest`` (the letters after a
month's initial, which narrow charts hide), ``chart-year`` (the year under
January and the first bar, in addition to ``chart-axis``) and ``chart-value``
(the busiest month's count).

The SVG has no ``viewBox``: a scaled drawing would scale its text too, making
labels tiny on a phone and huge on a wide page. Instead horizontal positions
are percentages of the chart's width and vertical ones are pixels, so the bars
stretch to fit while text keeps the size the stylesheet gives it.

The SVG is a single image to assistive technology (``role="img"``); the page
is expected to render the same series as a visually hidden table.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from datetime import date

from django.utils.dates import MONTHS_3
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

# Month names come from Django's catalogues in the active language, never from
# calendar.month_name, which follows the process locale (the server's LC_TIME).
# A month's axis label is its initial (or, where months are numbered, as in
# Japanese "12月", its number) followed by the rest of its short name.
_AXIS_INITIAL = re.compile(r"\d+|.")

# Horizontal geometry in percent of the chart's width, vertical geometry in pixels.
HEIGHT = 160
PAD_X = 1.5
PLOT_TOP = 18  # room for the value label above the tallest bar
BASELINE = 128
MONTH_LABEL_Y = 143
YEAR_LABEL_Y = 156
BAR_FRACTION = 0.7  # of each month's slot; the rest is the gap
# Below this slot width (in percent) three-letter month names collide even on a wide page,
# so use initials; narrower screens drop to initials through CSS (``chart-month-rest``).
MIN_SLOT_FOR_SHORT_NAMES = 5

# Distinct ids for every chart on a page, even identical ones.
_ids = itertools.count(1)


def month_series(
    counts: Mapping[tuple[int, int], int], *, end: date, months: int = 12
) -> list[tuple[date, int]]:
    """The ``months`` calendar months ending with ``end``'s month, oldest first.

    ``counts`` maps ``(year, month)`` to a count; months missing from it count
    as 0. Each item is ``(first day of the month, count)``.
    """
    if months < 0:
        raise ValueError("months must not be negative")
    # Months since year 0 make stepping back across New Year plain arithmetic.
    last = end.year * 12 + end.month - 1
    series = []
    for index in range(last - months + 1, last + 1):
        year, month0 = divmod(index, 12)
        series.append((date(year, month0 + 1, 1), counts.get((year, month0 + 1), 0)))
    return series


def _articles(n: int) -> str:
    return ngettext("%(count)s article", "%(count)s articles", n) % {
        "count": number_format(n, force_grouping=True)
    }


def _month_year(day: date) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def _axis_label(month: int) -> tuple[str, str]:
    """A month's short name split into what narrow charts keep and what they hide."""
    short = capfirst(str(MONTHS_3[month]))
    initial = _AXIS_INITIAL.match(short)[0]
    return initial, short[len(initial) :]


def _busiest(series: Sequence[tuple[date, int]]) -> tuple[date, int]:
    # On a tie the most recent month wins: it is the more relevant one to name.
    return max(reversed(series), key=lambda item: item[1])


def summarise(series: Sequence[tuple[date, int]]) -> str:
    """One-sentence text summary of the series, as used for the chart's <desc>."""
    total = sum(count for _, count in series)
    months = len(series)
    if not series:
        return gettext("No articles.")
    if total <= 0:
        if months == 1:
            return gettext("No articles in the last month.")
        return ngettext(
            "No articles in the last %(months)s month.",
            "No articles in the last %(months)s months.",
            months,
        ) % {"months": months}
    month, peak = _busiest(series)
    facts = {
        "articles": _articles(total),
        "months": months,
        "month": _month_year(month),
        "peak": number_format(peak, force_grouping=True),
    }
    if months == 1:
        return (
            gettext(
                "%(articles)s in the last month; the busiest month was %(month)s with %(peak)s."
            )
            % facts
        )
    return (
        ngettext(
            "%(articles)s in the last %(months)s month; "
            "the busiest month was %(month)s with %(peak)s.",
            "%(articles)s in the last %(months)s months; "
            "the busiest month was %(month)s with %(peak)s.",
            months,
        )
        % facts
    )


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def _pct(value: float) -> str:
    return f"{round(value, 3):g}%"


def render_monthly_chart(series: Sequence[tuple[date, int]], *, title: str) -> SafeString:
    """Return an accessible inline SVG bar chart of ``series``.

    ``series`` is a sequence of ``(first day of month, count)`` as returned by
    :func:`month_series`. Bar heights are proportional to the counts, the
    busiest month's bar carries its value, and each bar has a ``<title>``
    tooltip such as "March 2026: 4 articles".
    """
    uid = f"coverage-chart-{next(_ids)}"
    title_id = f"{uid}-title"
    desc_id = f"{uid}-desc"

    n = len(series)
    peak = max((count for _, count in series), default=0)
    busiest = _busiest(series)[0] if peak > 0 else None
    slot = (100 - 2 * PAD_X) / n if n else 0
    bar_width = slot * BAR_FRACTION
    plot_height = BASELINE - PLOT_TOP
    short_names = slot >= MIN_SLOT_FOR_SHORT_NAMES

    parts: list[SafeString] = []
    for i, (month, count) in enumerate(series):
        height = plot_height * max(count, 0) / peak if peak > 0 else 0
        x = PAD_X + i * slot + (slot - bar_width) / 2
        centre = PAD_X + (i + 0.5) * slot
        parts.append(
            format_html(
                '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}: {}</title></rect>",
                _pct(x),
                _num(BASELINE - height),
                _pct(bar_width),
                _num(height),
                _month_year(month),
                _articles(count),
            )
        )
        initial, rest = _axis_label(month.month)
        parts.append(
            format_html(
                '<text class="chart-axis" x="{}" y="{}" text-anchor="middle">{}{}</text>',
                _pct(centre),
                MONTH_LABEL_Y,
                initial,
                format_html('<tspan class="chart-month-rest">{}</tspan>', rest)
                if short_names
                else "",
            )
        )
        # The year under the first bar and each January keeps a chart that
        # spans New Year readable without crowding every label.
        if i == 0 or month.month == 1:
            # Centred under the first bar the year would stick out past the chart's left edge
            # on a phone, so that one starts at the bar instead.
            parts.append(
                format_html(
                    '<text class="chart-axis chart-year" x="{}" y="{}" text-anchor="{}">{}</text>',
                    _pct(x if i == 0 else centre),
                    YEAR_LABEL_Y,
                    "start" if i == 0 else "middle",
                    month.year,
                )
            )
        if month == busiest:
            parts.append(
                format_html(
                    '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _pct(centre),
                    _num(BASELINE - height - 4),
                    count,
                )
            )

    baseline = format_html(
        '<line class="chart-baseline" x1="{}" y1="{}" x2="{}" y2="{}"/>',
        _pct(PAD_X),
        BASELINE,
        _pct(100 - PAD_X),
        BASELINE,
    )

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="coverage-chart" width="100%" height="{}"'
        ' role="img" aria-labelledby="{}" aria-describedby="{}">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}{}</svg>',
        HEIGHT,
        title_id,
        desc_id,
        title_id,
        title,
        desc_id,
        summarise(series),
        mark_safe("".join(parts)),
        baseline,
    )


__all__ = ["month_series", "render_monthly_chart", "summarise"]
