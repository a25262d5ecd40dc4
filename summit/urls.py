"""The root URLconf: where the apps are put together (with settings, wsgi and asgi, the only
part of `summit` that may import the apps above it)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles import views as article_views
from articles.sitemaps import SITEMAPS as ARTICLE_SITEMAPS
from articles.urls import area_patterns, country_patterns, coverage_patterns
from events.sitemaps import SITEMAPS as EVENT_SITEMAPS
from summit import i18n, views

admin.site.site_header = "Summit newsroom"
admin.site.site_title = "Summit admin"
admin.site.index_title = "Editorial desk"

SITEMAPS = {**ARTICLE_SITEMAPS, **EVENT_SITEMAPS}

# Addresses in no language: the same for every reader.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("language/<str:language>/", i18n.choose_language, name="choose_language"),
    path("admin/", admin.site.urls),
]

# Every public page in each language: English unprefixed, /ja/… and /ru/… (summit/i18n.py).
urlpatterns += i18n_patterns(
    path("", article_views.home, name="home"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap_section",
    ),
    path("", include("articles.urls")),
    path("countries/", include(country_patterns)),
    path("areas/", include(area_patterns)),
    path("coverage/", include(coverage_patterns)),
    path("", include("events.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
