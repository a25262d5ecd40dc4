"""Two URL groups from one app: /countries/ and /areas/, each with its own namespace."""

from django.urls import path
from django.views.decorators.http import conditional_page

from articles.feeds import AreaFeed, CountryFeed
from countries import views

country_patterns = (
    [
        path("", views.CountryListView.as_view(), name="list"),
        path("<uslug:slug>/", views.CountryDetailView.as_view(), name="detail"),
        path("<uslug:slug>/feed/", conditional_page(CountryFeed()), name="feed"),
    ],
    "countries",
)

area_patterns = (
    [
        path("", views.AreaListView.as_view(), name="list"),
        path("<uslug:slug>/", views.AreaDetailView.as_view(), name="detail"),
        path("<uslug:slug>/feed/", conditional_page(AreaFeed()), name="feed"),
    ],
    "areas",
)

coverage_patterns = (
    [path("", views.CoverageView.as_view(), name="matrix")],
    "coverage",
)
