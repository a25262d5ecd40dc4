"""The language switcher and hreflang alternates: `{% load languages %}`."""

from __future__ import annotations

from typing import Any

from django import template

from summit.i18n import language_links

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: dict[str, Any]) -> dict[str, Any]:
    """Links to this page in every language; an article page passes `translation_urls`."""
    request = context.get("request")
    return {
        "links": language_links(request, context.get("translation_urls")),
        "request": request,
    }


@register.inclusion_tag("includes/hreflang_links.html", takes_context=True)
def hreflang_links(context: dict[str, Any]) -> dict[str, Any]:
    """`<link rel="alternate" hreflang>` for each language the page exists in, and
    x-default (the English page) for readers of any other."""
    request = context.get("request")
    links = language_links(request, context.get("translation_urls"))
    alternates = [link for link in links if link.has_page]
    return {"alternates": alternates if len(alternates) > 1 else [], "request": request}
