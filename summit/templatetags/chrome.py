"""The site's chrome, rendered once per language and kept for the life of the process.

`{% load chrome %}` gives `{% site_header %}` (the brand and the primary navigation),
`{% site_footer %}` and `{% site_feed_links %}` (the site-wide feeds in `<head>`). They depend
only on the URLconf, the language's catalogue and settings, never on the content or the
reader, yet rendering them was most of a page's `reverse()` calls and translations (issue #12:
an uncached page should cost a few milliseconds). The one thing in them that varies between
pages is which navigation link is the page itself (`aria-current`), so the header is kept per
language and per navigation link, and every other page shares the copy that marks none.

The copies (and those of `languages.py`) are dropped when a setting changes (tests) and,
under runserver, when a template or a catalogue changes, when Django drops its own cached
templates.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from summit.context_processors import site_tagline

register = template.Library()

T = TypeVar("T")

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


class Kept:
    """Values computed once per key and kept for the life of the process, at most `limit`
    of them (past it, all are dropped and computed again as they are asked for)."""

    everyone: ClassVar[list[Kept]] = []

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.values: dict[Hashable, Any] = {}
        Kept.everyone.append(self)

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        value = self.values.get(key)
        if value is None:
            if len(self.values) >= self.limit:
                self.values.clear()
            value = self.values[key] = make()
        return value

    def clear(self) -> None:
        self.values.clear()


# A few copies per language; the bound only guards against a script prefix that never repeats.
_copies = Kept(limit=256)


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str


def page_key(*parts: Hashable) -> tuple[Hashable, ...]:
    """`parts` with everything a reversed address or a translation depends on."""
    return (translation.get_language(), get_script_prefix(), get_urlconf(), *parts)


def nav_links(with_search: bool = False) -> tuple[NavLink, ...]:
    """The navigation's links in the active language; the phones' menu's `with_search`."""
    routes = MENU_ROUTES if with_search else NAV_ROUTES
    return _copies.get(
        page_key("nav links", with_search),
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

    key = page_key(template_name, context.autoescape, tuple(sorted(values.items())))
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


@register.simple_tag
def primary_nav_links(with_search: bool = False) -> tuple[NavLink, ...]:
    """`{% primary_nav_links with_search=True as links %}`, for `includes/site_header.html`."""
    return nav_links(with_search)


def forget_everything() -> None:
    for kept in Kept.everyone:
        kept.clear()


@receiver(setting_changed, dispatch_uid="summit_chrome_setting_changed")
def _setting_changed(**kwargs: Any) -> None:
    forget_everything()


@receiver(file_changed, dispatch_uid="summit_chrome_file_changed")
def _file_changed(sender: Any, file_path: Path, **kwargs: Any) -> None:
    # A template or a compiled catalogue; Python changes restart the process anyway. Returns
    # None, so the autoreloader still decides by Django's own receivers whether to restart.
    if file_path.suffix != ".py":
        forget_everything()
