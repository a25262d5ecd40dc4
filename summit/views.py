"""Site-wide pages that list no content: the health check, favicon and robots.txt.

The home page lists articles, so it lives with them (`articles.views.home`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not, for load balancers and uptime checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's, for one).

    The hashed file name is looked up per request, not at import time: with manifest storage
    the lookup needs collected static files, which management commands such as `migrate` run
    without.
    """
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers: everything public except the editors' desk and search result pages."""
    lines = ["User-agent: *", f"Disallow: {reverse('admin:index')}"]
    sitemaps = []
    # Each language has its own search pages and its own sitemap (summit/urls.py).
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            lines.append(f"Disallow: {reverse('articles:search')}")
            sitemaps.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    lines += ["", *sitemaps]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
