"""Sign-in safety with django-axes: the client's real address, and the lockout page.

The address is taken only from what a trusted proxy wrote. Each proxy appends the address it
received the request from to X-Forwarded-For, so with N trusted proxies the N-th entry from
the right is the client; anything further left was written by the client and may be forged.
With no trusted proxy, only REMOTE_ADDR counts.

django-axes locks one (username, address) pair; the limits across usernames and across all
addresses, checked before any password is, are in `summit.ratelimit`.
"""

from __future__ import annotations

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse


def client_ip(request: HttpRequest) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote_addr
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # The request did not come through every proxy: trust only the connection itself.
        return remote_addr
    return forwarded[-proxies]


def is_sign_in_attempt(request: HttpRequest) -> bool:
    """A POST of the admin's sign-in form: the request that costs a password hash."""
    return request.method == "POST" and request.path == reverse("admin:login")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The admin-styled page a locked-out client gets, saying for how long (429)."""
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed sign-ins",
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff": get_cool_off(request),
    }
    response = TemplateResponse(request, "admin/lockout.html", context, status=429)
    return response.render()
