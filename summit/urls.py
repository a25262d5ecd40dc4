"""The root URLconf: where the apps are put together (with settings, wsgi and asgi, the only
part of `summit` that may import the apps above it)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles import views as article_views
from articles.sitemaps import SITEMAPS
from articles.urls import area_patterns, country_patterns, coverage_patterns
from summit import views

admin.site.site_header = "Summit newsroom"
admin.site.site_title = "Summit admin"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("", article_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", views.robots_txt, name="robots"),
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
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
