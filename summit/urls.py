from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from countries.urls import area_patterns, country_patterns
from summit import views

admin.site.site_header = "Summit newsroom"
admin.site.site_title = "Summit admin"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("articles.urls")),
    path("countries/", include(country_patterns)),
    path("areas/", include(area_patterns)),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
