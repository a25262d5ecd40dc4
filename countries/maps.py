"""Inline SVG map of Central Asia and its neighbours.

The outlines come from ``countries/mapdata/region.json``, generated at build
time from Natural Earth data by ``tools/maps/build_map.mjs``; nothing here
needs Node. The markup carries no inline styles or scripts (the site runs a
strict CSP), so all colours come from the CSS classes:

``region-map`` (the ``<svg>``), ``map-land`` (every country path),
``map-highlight`` (the highlighted country's path), ``map-link`` (the ``<a>``
around a linked country), ``map-labels`` (the group of labels),
``map-label`` (each label) and ``map-label-highlight`` (the highlighted
country's label).
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

DATA_FILE = Path(__file__).resolve().parent / "mapdata" / "region.json"

# A process-wide counter rather than a hash of the arguments: the same map
# rendered twice on one page must still get distinct ids.
_ids = itertools.count(1)

_SAFE_SCHEMES = frozenset({"", "http", "https"})


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    name: str
    d: str
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class _Region:
    view_box: str
    countries: tuple[_Country, ...]
    by_code: Mapping[str, _Country]


@functools.cache
def _region() -> _Region:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    countries = tuple(
        _Country(
            code=c["code"].upper(),
            name=c["name"],
            d=c["d"],
            label_x=float(c["label"][0]),
            label_y=float(c["label"][1]),
        )
        for c in raw["countries"]
    )
    return _Region(
        view_box=raw["viewBox"],
        countries=countries,
        # Features without an ISO code are drawn but can't be addressed.
        by_code={c.code: c for c in countries if c.code},
    )


def map_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (upper case) of the countries on the map."""
    return frozenset(_region().by_code)


def _checked_href(href: str) -> str:
    # Escaping keeps an href inside its attribute but does nothing against a
    # javascript: URL, so only relative and http(s) links are accepted.
    # urlsplit strips the same leading junk and tabs/newlines browsers do.
    if urlsplit(href).scheme.lower() not in _SAFE_SCHEMES:
        raise ValueError(f"Refusing map link with unsafe URL scheme: {href!r}")
    return href


def _path(country: _Country, *, highlighted: bool) -> SafeString:
    css = "map-land map-highlight" if highlighted else "map-land"
    return format_html('<path class="{}" d="{}"/>', css, country.d)


def _label(country: _Country, name: str, *, highlighted: bool) -> SafeString:
    css = "map-label map-label-highlight" if highlighted else "map-label"
    return format_html(
        '<text class="{}" x="{}" y="{}" text-anchor="middle">{}</text>',
        css,
        f"{country.label_x:g}",
        f"{country.label_y:g}",
        name,
    )


def render_region_map(
    *,
    highlight: str | None = None,
    links: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    title: str,
    description: str = "",
) -> SafeString:
    """Return the region map as inline ``<svg>`` markup.

    ``highlight`` is an alpha-2 code (any case); a code not on the map is
    ignored. ``links`` maps alpha-2 codes to URLs: each such country's path is
    wrapped in a link named after the country, and codes not on the map are
    ignored. Labels are drawn for linked and highlighted countries only.
    ``names`` maps alpha-2 codes to the names to show (the page's language);
    the map data's English names stand in for the others.

    Without links the map is a single image (``role="img"``); with links it
    contains interactive elements and is exposed as ``role="group"`` instead.
    Raises ``ValueError`` for a link whose URL scheme is not http(s).
    """
    region = _region()
    shown = {code.upper(): name for code, name in (names or {}).items()}

    def name_of(country: _Country) -> str:
        return shown.get(country.code, country.name)

    uid = f"region-map-{next(_ids)}"
    title_id = f"{uid}-title"
    desc_id = f"{uid}-desc"

    highlighted = region.by_code.get(highlight.upper()) if highlight else None
    linked: dict[str, str] = {}
    for code, href in (links or {}).items():
        if code.upper() in region.by_code:
            linked[code.upper()] = _checked_href(href)

    # Paint order: plain countries, then linked ones in the caller's order
    # (which is also their tab order), then the highlighted country last so
    # that neighbours' borders don't paint over its outline.
    def draw(country: _Country) -> SafeString:
        is_highlighted = country is highlighted
        path = _path(country, highlighted=is_highlighted)
        if country.code in linked:
            return format_html(
                '<a class="map-link" href="{}" aria-label="{}">{}</a>',
                linked[country.code],
                name_of(country),
                path,
            )
        return path

    plain = [c for c in region.countries if c is not highlighted and c.code not in linked]
    links_in_order = [
        region.by_code[code] for code in linked if region.by_code[code] is not highlighted
    ]
    ordered = plain + links_in_order + ([highlighted] if highlighted else [])
    shapes = mark_safe("".join(draw(c) for c in ordered))

    labelled = links_in_order + ([highlighted] if highlighted else [])
    labels = mark_safe(
        "".join(_label(c, name_of(c), highlighted=c is highlighted) for c in labelled)
    )

    if description:
        desc = format_html('<desc id="{}">{}</desc>', desc_id, description)
        described_by = format_html(' aria-describedby="{}"', desc_id)
    else:
        desc = described_by = mark_safe("")

    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="region-map" viewBox="{}"'
        ' role="{}" aria-labelledby="{}"{}>'
        '<title id="{}">{}</title>{}'
        "{}"
        '<g class="map-labels" aria-hidden="true">{}</g>'
        "</svg>",
        region.view_box,
        "group" if linked else "img",
        title_id,
        described_by,
        title_id,
        title,
        desc,
        shapes,
        labels,
    )


def map_country_names() -> dict[str, str]:
    """Alpha-2 code -> English name (as the map labels it) for every country on the map.

    Handy for a text alternative listing the linked countries next to the map.
    """
    return {code: c.name for code, c in _region().by_code.items()}


__all__ = ["map_codes", "map_country_names", "render_region_map"]
