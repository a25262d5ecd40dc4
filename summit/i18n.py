"""Languages: which one a page is in, the reader's saved choice, and the switcher's links.

Public pages carry their language in the address: English unprefixed, Japanese under /ja/ and
Russian under /ru/ (`i18n_patterns` in summit/urls.py). The address alone decides, so a page
is the same for every reader and the page cache (keyed by address) never hands one language's
copy to a reader of another. Only the site root negotiates: a reader who saved a choice with
the switcher, or whose browser prefers Japanese or Russian, is sent on to /ja/ or /ru/. The
admin, outside the public addresses, follows the saved choice or the browser like Django's
`LocaleMiddleware`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from summit.addresses import reverse_fixed

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
# Addresses outside the language prefixes whose language is the reader's, not the address's.
READER_LANGUAGE_PREFIXES = ("/admin/", "/language/")


def preferred_language(request: HttpRequest) -> str:
    """The reader's saved choice (the switcher's cookie), else their browser's preference."""
    return translation.get_language_from_request(request, check_path=False)


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        negotiates = path == "/" and request.method in ("GET", "HEAD")
        if negotiates:
            preferred = preferred_language(request)
            if preferred != settings.LANGUAGE_CODE:
                query = request.META.get("QUERY_STRING", "")
                target = language_home(preferred) + (f"?{query}" if query else "")
                response = HttpResponseRedirect(target)
                return self.negotiated(response)
        if path.startswith(READER_LANGUAGE_PREFIXES):
            language = preferred_language(request)
        else:
            language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if negotiates:
            self.negotiated(response)
        return response

    @staticmethod
    def negotiated(response: HttpResponseBase) -> HttpResponseBase:
        # The root's answer depends on the saved choice and the browser's languages.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        if response.status_code in (301, 302):
            patch_cache_control(response, private=True, no_cache=True)
        return response


def language_home(language: str) -> str:
    return reverse_fixed("home", language=language)


@never_cache
def choose_language(request: HttpRequest, language: str) -> HttpResponseRedirect:
    """The switcher's links: save the reader's choice, then show them the page they chose.

    A link, not Django's `set_language` form: public pages come from the cache, which must not
    hold anyone's CSRF token. `next` is followed only within this site.
    """
    if language not in LANGUAGE_CODES:
        language = settings.LANGUAGE_CODE
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe or not target.startswith("/"):
        target = language_home(language)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool
    # False when the page has no version in this language and the link leads to its home.
    has_page: bool = True


def language_links(here: str, translation_urls: dict[str, str] | None = None) -> list[LanguageLink]:
    """The page at the address `here` in each language.

    `translation_urls` is given by pages of one article: its published translations by
    language (itself included); a language without one links to that language's home page.
    Every other page exists in every language at its translated address.
    """
    current = translation.get_language() or settings.LANGUAGE_CODE
    links = []
    for code, name in settings.LANGUAGES:
        has_page = True
        if translation_urls is not None:
            url = translation_urls.get(code)
        else:
            url = translate_url(here, code)
            if url == here and code != current:
                url = None
        if url is None:
            url, has_page = language_home(code), False
        links.append(LanguageLink(code, name, url, code == current, has_page))
    return links
