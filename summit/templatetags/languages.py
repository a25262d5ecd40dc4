"""The language switcher and hreflang alternates: `{% load languages %}`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse

from summit.addresses import Kept, address_key
from summit.i18n import LanguageLink, language_links

register = template.Library()

# Both tags of a page ask for the same links, and list pages are asked for again and again:
# the links depend only on the address, the page's translations and the URLconf, so the
# process keeps the latest few hundred. Article pages are keyed by their translations.
_links = Kept(limit=512)


def page_language_links(
    request: HttpRequest | None, translation_urls: dict[str, str] | None
) -> tuple[LanguageLink, ...]:
    """`summit.i18n.language_links()`, computed once per page path and translations.

    A query string (a search, a page number, filters) means the same in every language, so
    it is added to the links of the path's translations rather than making every search an
    address of its own to translate.
    """
    path, _, query = (request.get_full_path() if request is not None else "/").partition("?")
    key = address_key(
        path, tuple(sorted(translation_urls.items())) if translation_urls is not None else None
    )
    links = _links.get(key, lambda: tuple(language_links(path, translation_urls)))
    if not query or translation_urls is not None:
        return links
    return tuple(
        replace(link, url=f"{link.url}?{query}") if link.has_page else link for link in links
    )


def choose_language_url(code: str) -> str:
    """The switcher's address for `code`; outside the language prefixes, so one per process."""
    return _links.get(address_key("choose", code), lambda: reverse("choose_language", args=[code]))


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: dict[str, Any]) -> dict[str, Any]:
    """Links to this page in every language; an article page passes `translation_urls`."""
    request = context.get("request")
    links = page_language_links(request, context.get("translation_urls"))
    return {"links": [(link, choose_language_url(link.code)) for link in links]}


@register.inclusion_tag("includes/hreflang_links.html", takes_context=True)
def hreflang_links(context: dict[str, Any]) -> dict[str, Any]:
    """`<link rel="alternate" hreflang>` for each language the page exists in, and
    x-default (the English page) for readers of any other."""
    request = context.get("request")
    links = page_language_links(request, context.get("translation_urls"))
    alternates = [link for link in links if link.has_page]
    if len(alternates) < 2 or request is None:
        return {"alternates": []}
    # Checked against ALLOWED_HOSTS once, not once per link.
    return {"alternates": alternates, "origin": f"{request.scheme}://{request.get_host()}"}
