"""Metadata for search engines and link previews: canonical URLs and JSON-LD documents.

Templates reach these through `summit/templatetags/seo.py`; everything returned is plain
data, and `json_ld()` is the one place that turns it into a `<script>` block.

This module is site-wide and imports no app: an article is read through the facts its model
derives (`author_name`, `author_url`, `last_modified`, `get_absolute_url()`…), so the credit
and dates here are the ones the byline, the feeds and the sitemaps show.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from summit.addresses import reverse_fixed
from summit.context_processors import site_tagline

SCHEMA = "https://schema.org"
DEFAULT_IMAGE = "img/summit-share.png"
HEADLINE_LIMIT = 110  # Google shows no more of a NewsArticle headline.

# Inside <script>, "</script>" or "<!--" in the data would end or confuse the block; the
# JSON \u escapes mean the same characters to a JSON parser.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


class NewsItem(Protocol):
    """What `news_article()` reads of an article (articles.Article provides it)."""

    title: str
    dek: str
    language: str
    publish_at: datetime
    lead_image: Any
    tags: Any
    countries: Any

    @property
    def author_name(self) -> str: ...

    @property
    def author_url(self) -> str: ...

    @property
    def last_modified(self) -> datetime: ...

    def get_absolute_url(self) -> str: ...


def serves_host(request: HttpRequest) -> bool:
    """Whether the request's Host is one of `ALLOWED_HOSTS`.

    The 400 page for a refused Host is rendered for that very request: building an absolute
    address from it would raise `DisallowedHost` again and turn the 400 into a 500.
    """
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def canonical_url(request: HttpRequest) -> str:
    """The page's absolute address without filters; later pages of a list keep `?page=N`.

    Empty when the Host is not one we serve: the page is then an error page, with nothing
    to point search engines or link previews at.
    """
    if not serves_host(request):
        return ""
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page", "")
    if page.isascii() and page.isdigit() and int(page) > 1:
        url += f"?page={int(page)}"
    return url


def default_image_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(static(DEFAULT_IMAGE))


def json_ld(data: dict[str, Any]) -> SafeString:
    """A `<script type="application/ld+json">` block that no data can break out of."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


def publisher(request: HttpRequest) -> dict[str, Any]:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri(reverse_fixed("home")),
        "logo": {"@type": "ImageObject", "url": default_image_url(request)},
    }


def website(request: HttpRequest) -> dict[str, Any]:
    """The site itself, with the search box search engines may offer in their results."""
    search_url = request.build_absolute_uri(reverse("articles:search"))
    return {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "description": site_tagline(),
        "url": request.build_absolute_uri(reverse_fixed("home")),
        "inLanguage": translation.get_language() or settings.LANGUAGE_CODE,
        "publisher": publisher(request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{search_url}?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def news_article(request: HttpRequest, article: NewsItem) -> dict[str, Any]:
    """A NewsArticle; reads tags and countries from the prefetch cache of the detail view."""
    url = request.build_absolute_uri(article.get_absolute_url())
    if article.author_url:
        author = {
            "@type": "Person",
            "name": article.author_name,
            "url": request.build_absolute_uri(article.author_url),
        }
    else:
        # No account behind the credit ("Summit staff", or a byline alone): the newsroom.
        author = {"@type": "Organization", "name": article.author_name}
    image = (
        request.build_absolute_uri(article.social_image["url"])
        if article.lead_image
        else default_image_url(request)
    )
    return {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": article.title[:HEADLINE_LIMIT],
        "description": article.dek,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": article.publish_at,
        "dateModified": article.last_modified,
        "author": [author],
        "publisher": publisher(request),
        "image": [image],
        "keywords": [tag.name for tag in article.tag_list],
        "about": [
            {
                "@type": "Country",
                "name": country.name,
                "url": request.build_absolute_uri(country.get_absolute_url()),
            }
            for country in article.country_list
        ],
        "inLanguage": article.language,
        "isAccessibleForFree": True,
    }


def breadcrumbs(request: HttpRequest, trail: list[tuple[str, str]]) -> dict[str, Any]:
    """A BreadcrumbList from `(name, path)` pairs, the current page last."""
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }
