"""Addresses computed once per process: the site's chrome and the pages of things with a slug.

`reverse()` walks the URLconf's patterns on every call. A page of cards called it three or
four times per card (the article, its author, its chips), about 35 times for an article page
and 9% of a worker's time on the benchmark's random articles (issue #12). Yet an address
depends only on the URLconf, the script prefix and the language besides its slug, so
`reverse_slug()` reverses each route once per language and joins the slug into it.

`Kept` holds such values for the life of the process. Everything kept is dropped when a
setting changes (tests) and, under runserver, when a template or a catalogue changes, as
Django drops its own cached templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.http import RFC3986_SUBDELIMS

from summit.converters import UnicodeSlugConverter

T = TypeVar("T")

# A value every one-argument route here accepts, that no route's own text contains.
MARKER = "summit-address-marker-7f3a"
# What `reverse()` leaves unquoted in a path (django.urls.resolvers, `_reverse_with_prefix`).
PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"
_SLUG = re.compile(UnicodeSlugConverter.regex)


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


def address_key(*parts: Hashable, language: str | None = None) -> tuple[Hashable, ...]:
    """`parts` with everything a reversed address or a translation depends on."""
    return (language or translation.get_language(), get_script_prefix(), get_urlconf(), *parts)


# A few routes per language; the bound only guards against a script prefix that never repeats.
_routes = Kept(limit=512)


def reverse_fixed(viewname: str, *, language: str | None = None) -> str:
    """`reverse(viewname)` for a route without arguments, in `language` (by default the
    active one), reversed once per language."""

    def reversed_in_language() -> str:
        with translation.override(language or translation.get_language()):
            return reverse(viewname)

    return _routes.get(address_key(viewname, language=language), reversed_in_language)


def reverse_slug(viewname: str, slug: str, *, language: str | None = None) -> str:
    """`reverse(viewname, kwargs={"slug": slug})` in `language` (by default the active one),
    from the route reversed once: the same address, quoted the same way."""
    return reverse_one(viewname, "slug", slug, accepts=_SLUG, language=language)


def reverse_one(
    viewname: str, name: str, value: str, *, accepts: re.Pattern, language: str | None = None
) -> str:
    """`reverse(viewname, kwargs={name: value})` for a route whose one argument, `name`, is a
    path segment matching `accepts` (its converter's or regex's pattern), in `language`."""
    if not accepts.fullmatch(value):
        # Let reverse() say why it is no address (NoReverseMatch), as it always did.
        with translation.override(language or translation.get_language()):
            return reverse(viewname, kwargs={name: value})
    head, tail = _routes.get(
        address_key(viewname, name, language=language),
        lambda: _split_route(viewname, name, language),
    )
    return f"{head}{quote(value, safe=PATH_SAFE)}{tail}"


def _split_route(viewname: str, name: str, language: str | None) -> tuple[str, str]:
    with translation.override(language or translation.get_language()):
        address = reverse(viewname, kwargs={name: MARKER})
    head, marker, tail = address.partition(MARKER)
    if not marker or MARKER in tail:
        raise ValueError(f"{viewname!r} does not take its {name} once as a path segment.")
    return head, tail


def forget_everything() -> None:
    for kept in Kept.everyone:
        kept.clear()


@receiver(setting_changed, dispatch_uid="summit_addresses_setting_changed")
def _setting_changed(**kwargs: Any) -> None:
    forget_everything()


@receiver(file_changed, dispatch_uid="summit_addresses_file_changed")
def _file_changed(sender: Any, file_path: Path, **kwargs: Any) -> None:
    # A template or a compiled catalogue; Python changes restart the process anyway. Returns
    # None, so the autoreloader still decides by Django's own receivers whether to restart.
    if file_path.suffix != ".py":
        forget_everything()
