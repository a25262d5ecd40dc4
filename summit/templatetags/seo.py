"""Template tags for page metadata: `{% load seo %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
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
def share_image(context: dict[str, Any]) -> dict[str, Any]:
    """What link previews show: an article page's own lead image (`og_type="article"`), else
    the page's `og_image`, else the site's; with its size when known and its alt text.

    One look at the article's `social_image` for all the tags that describe the image.
    """
    article = context.get("article")
    if context.get("og_type") == "article" and article is not None and article.lead_image:
        image = article.social_image
        sized = bool(image["height"])
        return {
            "url": absolute_uri(context, image["url"]),
            "width": image["width"] if sized else None,
            "height": image["height"] if sized else None,
            "alt": article.lead_image_alt,
        }
    return {
        "url": absolute_uri(context, context.get("og_image") or ""),
        "width": None,
        "height": None,
        "alt": context.get("og_image_alt") or context.get("SITE_NAME", settings.SITE_NAME),
    }


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
