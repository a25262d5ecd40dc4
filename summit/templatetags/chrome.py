"""The site's chrome, rendered once per language and kept for the life of the process.

`{% load chrome %}` gives `{% site_header %}` (the brand and the primary navigation),
`{% site_footer %}`, `{% site_feed_links %}` (the site-wide feeds in `<head>`) and
`{% site_head_links %}` (the stylesheet and the icon). They depend only on the URLconf, the
language's catalogue, settings and the static files' manifest (read when the process
starts), never on the content or the reader, yet rendering them was most of a page's
`reverse()` calls and translations (issue #12:
an uncached page should cost a few milliseconds). The one thing in them that varies between
pages is which navigation link is the page itself (`aria-current`), so the header is kept per
language and per navigation link, and every other page shares the copy that marks none.

The copies (and those of `languages.py`) are kept in `summit.addresses.Kept`, which drops
them when a setting changes (tests) and, under runserver, when a template or a catalogue
changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.template import Context
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from summit.addresses import Kept, address_key
from summit.context_processors import site_tagline

register = template.Library()

# The primary navigation, on every screen…
NAV_ROUTES: tuple[tuple[str, Promise], ...] = (
    ("articles:list", _("Articles")),
    ("countries:list", _("Countries")),
    ("areas:list", _("Cooperation areas")),
    ("articles:tag_list", _("Tags")),
    ("events:list", _("Events")),
    ("coverage:matrix", _("Coverage")),
    ("articles:archive", _("Archive")),
)
# …and the phones' menu, which adds search: wide screens have the search box beside the links.
MENU_ROUTES: tuple[tuple[str, Promise], ...] = (*NAV_ROUTES, ("articles:search", _("Search")))


# A few copies per language; the bound only guards against a script prefix that never repeats.
_copies = Kept(limit=256)


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str


def nav_links(with_search: bool = False) -> tuple[NavLink, ...]:
    """The navigation's links in the active language; the phones' menu's `with_search`."""
    routes = MENU_ROUTES if with_search else NAV_ROUTES
    return _copies.get(
        address_key("nav links", with_search),
        lambda: tuple(NavLink(reverse(name), str(label)) for name, label in routes),
    )


def current_nav_url(path: str) -> str:
    """`path` when it is one of the navigation's addresses, else "" (no link is current)."""
    return path if any(link.url == path for link in nav_links(with_search=True)) else ""


def render_once(context: Context, template_name: str, **values: Any) -> SafeString:
    """`template_name` rendered with the site's name and tagline and `values` (part of the
    key: keep them few and hashable), from the process's copy when it has one."""

    def render() -> SafeString:
        chrome_context = Context(
            {"SITE_NAME": settings.SITE_NAME, "SITE_TAGLINE": site_tagline(), **values},
            autoescape=context.autoescape,
        )
        return context.template.engine.get_template(template_name).render(chrome_context)

    key = address_key(template_name, context.autoescape, tuple(sorted(values.items())))
    return _copies.get(key, render)


@register.simple_tag(takes_context=True)
def site_header(context: Context) -> SafeString:
    """The brand and the primary navigation, the page's own link marked as current."""
    request = context.get("request")
    current = current_nav_url(request.path) if request is not None else ""
    return render_once(context, "includes/site_header.html", current_url=current)


@register.simple_tag(takes_context=True)
def site_footer(context: Context) -> SafeString:
    return render_once(context, "includes/site_footer.html")


@register.simple_tag(takes_context=True)
def site_feed_links(context: Context) -> SafeString:
    """`<link rel="alternate">` to the feeds of the latest articles."""
    return render_once(context, "includes/site_feed_links.html")


@register.simple_tag(takes_context=True)
def site_head_links(context: Context) -> SafeString:
    """The stylesheet and the icon: finding a static file's hashed name took 60 µs each."""
    return render_once(context, "includes/site_head_links.html")


@register.simple_tag
def primary_nav_links(with_search: bool = False) -> tuple[NavLink, ...]:
    """`{% primary_nav_links with_search=True as links %}`, for `includes/site_header.html`."""
    return nav_links(with_search)
