"""Template tags for page metadata: `{% load seo %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from summit import seo

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context: dict[str, Any]) -> str:
    request = context.get("request")
    # Pages rendered without a request (none today) get no address rather than an error.
    return seo.canonical_url(request) if request else ""


@register.simple_tag(takes_context=True)
def absolute_uri(context: dict[str, Any], path: str = "") -> str:
    """An absolute address for a path or URL; the site's share image when there is none."""
    request = context.get("request")
    if request is None:
        return path
    return request.build_absolute_uri(path) if path else seo.default_image_url(request)


@register.simple_tag(takes_context=True)
def website_json_ld(context: dict[str, Any]) -> SafeString:
    return seo.json_ld(seo.website(context["request"]))


@register.simple_tag(takes_context=True)
def article_json_ld(context: dict[str, Any], article: seo.NewsItem) -> SafeString:
    return seo.json_ld(seo.news_article(context["request"], article))


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context: dict[str, Any], *trail: str) -> SafeString:
    """`{% breadcrumbs_json_ld _("Home") home_url _("Tags") tags_url tag.name %}`: name and path
    pairs, then the current page's name (its address is the canonical URL)."""
    request = context["request"]
    *pairs, current = trail
    steps = list(zip(pairs[::2], pairs[1::2], strict=True))
    steps.append((current, request.path))
    return seo.json_ld(seo.breadcrumbs(request, steps))
