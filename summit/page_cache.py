"""Whole pages for anonymous readers, shared through the cache until the content changes.

A page is stored under the content generation (`summit.cache`), so a write anywhere makes
every stored page stale at once, in every process sharing the cache, and a scheduled article
turns them over at its time. The same generation gives each page an ETag that is known before
anything is rendered: a reader (or a proxy) revalidating a copy gets its 304 with no view run,
no page read from the cache and, usually, no query.

Why not Django's `UpdateCacheMiddleware`/`FetchFromCacheMiddleware`: their key prefix is
fixed per middleware instance (the generation changes per request), they put the whole
`Cookie` header in the key whenever a response varies on it (one copy per visitor's analytics
or CSRF cookie), and they know nothing of signed-in users. What they do well is reused here:
`patch_cache_control`, `patch_vary_headers`, `get_conditional_response`.

The rules, all in `PageCacheMiddleware.__call__`:

- `/admin/` and `/preview/` are never cached and always say `private, no-store`.
- A request carrying a session cookie (someone signed in) always gets a fresh render, marked
  `private, no-cache`, and never a stored copy or a 304: its page may hold staff-only links.
  The cookie alone decides, so this costs no session query.
- Only a GET is stored, and only a 200 that sets no cookie (CSRF token, messages), is not
  `private`/`no-store`/`no-cache`, is not streamed, and varies on nothing but `Cookie` and
  the headers in the key. 301s and 404s are cheap to render and depend on the redirect table,
  which the generation does not follow, so they are left alone. A HEAD is answered from the
  stored GET.
- Public pages say `Cache-Control: public, max-age=60, stale-while-revalidate=300` (max-age
  shortened to the next scheduled change) and `Vary: Cookie, Accept-Encoding`.

The middleware sits right after WhiteNoise: a stored page skips sessions, CSRF, auth and the
rest, which already added their headers (CSP, X-Frame-Options) to the stored copy, while
`SecurityMiddleware` still adds its own on the way out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from math import floor

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language_from_path

from summit.cache import SAFETY_TIMEOUT, ContentState, content_state

# Pages editors work on: nothing here is ever stored, by us or by anyone between.
PRIVATE_PATH_PREFIXES = ("/admin/", "/preview/")
MAX_AGE = 60
STALE_WHILE_REVALIDATE = 5 * 60
# Request headers a response may legitimately vary on; their values are part of the key.
KEY_HEADERS = ("Accept-Encoding",)
VARY_HEADERS = ("Cookie", *KEY_HEADERS)
# Headers a 304 repeats from the page it stands for (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = ("Cache-Control", "Vary", "ETag", "Last-Modified", "Expires")
CACHE_STATUS_HEADER = "X-Page-Cache"


def is_private_path(path: str) -> bool:
    # Previews exist in every language: /ja/preview/… is as private as /preview/….
    language = get_language_from_path(path)
    if language:
        path = path[len(language) + 1 :]
    return path.startswith(PRIVATE_PATH_PREFIXES)


def carries_personal_cookie(request: HttpRequest) -> bool:
    """Signed in (a session), or holding messages meant for this one reader."""
    return any(
        name in request.COOKIES
        for name in (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    )


def page_variant(request: HttpRequest) -> str:
    """Everything besides the content that a public page depends on: scheme, host, path and
    query, and the headers in the key. Calling `build_absolute_uri()` also validates the Host."""
    headers = "\n".join(request.headers.get(name, "").strip().lower() for name in KEY_HEADERS)
    return f"{request.build_absolute_uri()}\n{headers}"


def page_key(state: ContentState, variant: str) -> str:
    digest = hashlib.sha256(variant.encode()).hexdigest()
    return f"summit:page:{state.generation}:{digest}"


def page_etag(state: ContentState, variant: str) -> str:
    digest = hashlib.sha256(f"{state.generation}\n{variant}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def is_storable(response: HttpResponseBase) -> bool:
    cache_control = response.get("Cache-Control", "").lower()
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        and all(has_allowed_vary(header) for header in vary_of(response))
    )


def vary_of(response: HttpResponseBase) -> list[str]:
    return [header.strip() for header in response.get("Vary", "").split(",") if header.strip()]


def has_allowed_vary(header: str) -> bool:
    return header.lower() in {name.lower() for name in VARY_HEADERS}


def make_public(response: HttpResponseBase, state: ContentState, etag: str) -> None:
    """The headers that let browsers and proxies keep the page until the content changes."""
    max_age = MAX_AGE
    if state.next_change is not None:
        # Not past the moment a scheduled article goes live.
        until = (state.next_change - timezone.now()).total_seconds()
        max_age = max(0, min(max_age, floor(until)))
    patch_cache_control(
        response, public=True, max_age=max_age, stale_while_revalidate=STALE_WHILE_REVALIDATE
    )
    patch_vary_headers(response, VARY_HEADERS)
    response["ETag"] = etag


def make_personal(response: HttpResponseBase) -> None:
    # Revalidated on every view, so a signed-in editor never sees an old copy of the page.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))


class StoredPage:
    """What is kept of a response: status, headers and body, nothing tied to the request."""

    def __init__(self, response: HttpResponse, *, dated_by_view: bool) -> None:
        self.status = response.status_code
        self.headers = list(response.items())
        self.content = response.content
        # The view's own Last-Modified (feeds, sitemaps) says when the content changed, so
        # If-Modified-Since can be answered from it; otherwise it is only the render time.
        self.dated_by_view = dated_by_view

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response

    def last_modified(self) -> int | None:
        if not self.dated_by_view:
            return None
        return parse_http_date_safe(dict(self.headers).get("Last-Modified", ""))


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_private_path(request.path_info):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if carries_personal_cookie(request):
            response = self.get_response(request)
            make_personal(response)
            return response
        return self.public_page(request)

    def public_page(self, request: HttpRequest) -> HttpResponseBase:
        state = content_state()
        variant = page_variant(request)
        etag = page_etag(state, variant)
        # Only pages we stored were sent with this ETag, and the same generation and variant
        # always give the same page: the reader's copy is current, whatever it would render.
        not_modified = get_conditional_response(request, etag=etag)
        if isinstance(not_modified, HttpResponseNotModified):
            template = HttpResponse()
            make_public(template, state, etag)
            return self.not_modified(not_modified, template)

        key = page_key(state, variant)
        stored: StoredPage | None = cache.get(key)
        if stored is not None:
            response = stored.response()
            make_public(response, state, etag)
            conditional = get_conditional_response(
                request, etag=etag, last_modified=stored.last_modified(), response=response
            )
            if isinstance(conditional, HttpResponseNotModified):
                return self.not_modified(conditional, response)
            response[CACHE_STATUS_HEADER] = "hit"
            return response

        response = self.get_response(request)
        if not is_storable(response):
            if response.cookies:
                # Set-Cookie is for this reader only; no proxy may keep it for another.
                patch_cache_control(response, private=True)
            return response
        make_public(response, state, etag)
        dated_by_view = response.has_header("Last-Modified")
        if not dated_by_view:
            response["Last-Modified"] = http_date()
        if request.method == "GET":
            cache.set(
                key, StoredPage(response, dated_by_view=dated_by_view), timeout=SAFETY_TIMEOUT
            )
        response[CACHE_STATUS_HEADER] = "miss"
        return response

    @staticmethod
    def not_modified(response: HttpResponseBase, page: HttpResponseBase) -> HttpResponseBase:
        for name in NOT_MODIFIED_HEADERS:
            if page.has_header(name):
                response[name] = page[name]
        response[CACHE_STATUS_HEADER] = "not-modified"
        return response
