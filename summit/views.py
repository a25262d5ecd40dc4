"""Site-wide pages: the home page, the health check and robots.txt."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

from articles.models import Article, Tag
from countries.models import CooperationArea, Country

LATEST_COUNT = 8
HOME_TAG_COUNT = 16


def home(request: HttpRequest) -> HttpResponse:
    published = Article.objects.published().for_cards()
    lead = published.filter(featured=True).first() or published.first()
    latest = published.exclude(pk=lead.pk)[:LATEST_COUNT] if lead else []
    context = {
        "lead": lead,
        "latest": latest,
        "region": Country.objects.featured_on_home().with_article_counts(),
        "areas": CooperationArea.objects.with_article_counts(),
        "top_tags": Tag.objects.in_use().order_by("-article_count", "name")[:HOME_TAG_COUNT],
    }
    return render(request, "home.html", context)


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
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
