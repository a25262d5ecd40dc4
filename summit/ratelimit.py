"""Rate limits per client address, counted in the Django cache, answered with a 429.

Two kinds of request are limited by `RateLimitMiddleware`:

- **Sign-in POSTs** to the admin's sign-in page, before the password is checked (each check
  costs a deliberately slow hash). Per address (`signin`): sign-ins that did not succeed,
  whatever username they tried, so a password sprayed over many accounts is stopped; one that
  succeeds is given back, so colleagues behind one office address and an editor who mistypes
  a few times never get near it. Across all addresses (`signin_global`): every attempt, a
  ceiling on how much hashing sign-in may cost the workers. django-axes still locks each
  (username, address) pair after five failures; it cannot do this itself, as its failure limit
  is one number for every lockout parameter and it has no ceiling across clients.
- **Expensive public views** (`search`, `lists`, `feeds`; which views is the assembly's
  `RATE_LIMITED_VIEWS` setting), per address. The middleware sits inside the page cache, so a
  page served from the cache (cheap) never reaches it and never counts; what counts is what
  runs a view: cache misses, which is every request a scraper makes with varying parameters.
  Signed-in staff are not limited: they are few, known and already through the sign-in
  limits, and every page they open skips the page cache, so reader limits would hit them first.

Counting uses fixed windows (`cache.add` then `cache.incr`): atomic in Redis, and in the file
cache close enough (two processes incrementing at the same instant may count once, which only
lets a little more through). A client that ignores `Retry-After` keeps counting and so stays
refused until the window ends. A window lets up to twice its rate through across its boundary;
the hourly tiers stop a scraper that paces itself under the per-minute one. IPv6 clients are
counted per /64, the block one subscriber usually holds, so rotating addresses gains nothing.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext

from summit.signin import client_ip, is_sign_in_attempt

logger = logging.getLogger(__name__)

SIGN_IN = "signin"
SIGN_IN_GLOBAL = "signin_global"
EVERYONE = "everyone"
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_PATTERN = re.compile(r"^(\d+)/(\d*)([smhd])$")
# Counters outlive their window by this much, so none can expire (and restart at one) while
# its window is still current.
EXPIRY_MARGIN = 60


@dataclass(frozen=True)
class Rate:
    count: int
    period: int  # seconds


@memoize
def parse_rates(text: str) -> tuple[Rate, ...]:
    """`"60/m,600/h"` → two rates; `"10/15m"` is ten per fifteen minutes. Empty, `0` or `off`
    is no limit."""
    text = text.strip().lower()
    if text in ("", "0", "off"):
        return ()
    rates = []
    for part in text.split(","):
        found = RATE_PATTERN.match(part.strip())
        period = int(found[2] or 1) * UNITS[found[3]] if found else 0
        if not period:
            raise ImproperlyConfigured(
                f"Bad rate limit {part.strip()!r} in {text!r}: write e.g. 60/m, 600/h or 10/15m."
            )
        rates.append(Rate(int(found[1]), period))
    return tuple(rates)


def rates_for(bucket: str) -> tuple[Rate, ...]:
    return parse_rates(settings.RATE_LIMITS.get(bucket, ""))


def client_group(request: HttpRequest) -> str:
    """Who is counted: the client's address (trusted-proxy aware), IPv6 by its /64."""
    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:
        # No usable address: such requests share one count rather than escaping it.
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@dataclass(frozen=True)
class Outcome:
    refused: bool
    retry_after: int  # seconds until every exceeded window has ended; 0 when not refused
    counters: tuple[tuple[str, int], ...]  # (key, timeout) of each count this request raised

    def undo(self) -> None:
        """Take this request back out of its counts (it turned out not to be what they count)."""
        for key, timeout in self.counters:
            _change(key, -1, timeout)


def count(bucket: str, who: str, rates: tuple[Rate, ...]) -> Outcome:
    """Add one to `who`'s count in each of the bucket's windows; refused past any limit."""
    now = time.time()
    counters = []
    waits = []
    for rate in rates:
        window = int(now // rate.period)
        left = (window + 1) * rate.period - now
        key = f"summit:ratelimit:{bucket}:{rate.count}/{rate.period}:{who}:{window}"
        timeout = math.ceil(left) + EXPIRY_MARGIN
        hits = _increment(key, timeout)
        counters.append((key, timeout))
        if hits > rate.count:
            waits.append(max(1, math.ceil(left)))
            if hits == rate.count + 1:
                # Once per client and window, not once per refused request: a flood would
                # otherwise write a line per request.
                logger.warning(
                    "Rate limit %s (%d per %d s) reached by %s",
                    bucket,
                    rate.count,
                    rate.period,
                    who,
                )
    return Outcome(refused=bool(waits), retry_after=max(waits, default=0), counters=tuple(counters))


def _increment(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout):
        return 1
    hits = _change(key, 1, timeout)
    if hits is None:
        # Evicted between the two calls: this request starts the count again.
        cache.add(key, 1, timeout)
        return 1
    return hits


def _change(key: str, delta: int, timeout: int) -> int | None:
    """Add `delta` to a counter; None when it no longer exists."""
    try:
        value = cache.incr(key, delta)
    except ValueError:
        return None
    if timeout > cache.default_timeout:
        # Redis keeps a key's expiry on INCR, but the file cache's incr rewrites the entry with
        # the default timeout, which would end a 15-minute or hourly count early.
        cache.touch(key, timeout)
    return value


def wait_phrase(seconds: int) -> str:
    """How long to wait, for the 429 page's "Please try again in …"."""
    if seconds < 90:
        # Translators: completes "Please try again in …" (templates/429.html).
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    # Translators: completes "Please try again in …" (templates/429.html).
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def too_many_requests(request: HttpRequest, bucket: str, retry_after: int) -> HttpResponse:
    """The site's own 429 page, saying what was limited and when to try again."""
    context = {"bucket": bucket, "wait": wait_phrase(retry_after)}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    # A refusal is for this client and this moment: nobody may keep or share it.
    add_never_cache_headers(response)
    return response


class RateLimitMiddleware:
    """Sign-in limits around the sign-in POST; public limits before a limited view runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        # A mistyped rate stops the site at start-up rather than at the first request it meets.
        for text in settings.RATE_LIMITS.values():
            parse_rates(text)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.RATE_LIMITS_ENABLED and is_sign_in_attempt(request):
            return self.sign_in(request)
        return self.get_response(request)

    def sign_in(self, request: HttpRequest) -> HttpResponseBase:
        address = count(SIGN_IN, client_group(request), rates_for(SIGN_IN))
        if address.refused:
            return too_many_requests(request, SIGN_IN, address.retry_after)
        everyone = count(SIGN_IN_GLOBAL, EVERYONE, rates_for(SIGN_IN_GLOBAL))
        if everyone.refused:
            # No password was checked, so this was no failed sign-in of this address.
            address.undo()
            return too_many_requests(request, SIGN_IN_GLOBAL, everyone.retry_after)
        response = self.get_response(request)
        # Signed in: the sign-in page redirects onwards. A failure shows the form again (200)
        # or the lockout (429). Only failures (and attempts still running) stay counted.
        if response.status_code == 302:
            address.undo()
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponseBase | None:
        if not settings.RATE_LIMITS_ENABLED:
            return None
        bucket = settings.RATE_LIMITED_VIEWS.get(request.resolver_match.view_name)
        if bucket is None or request.user.is_staff:
            return None
        outcome = count(bucket, client_group(request), rates_for(bucket))
        if outcome.refused:
            return too_many_requests(request, bucket, outcome.retry_after)
        return None
