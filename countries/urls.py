"""Two URL groups from one app: /countries/ and /areas/, each with its own namespace."""

from django.urls import path

from countries import views

country_patterns = (
    [
        path("", views.CountryListView.as_view(), name="list"),
        path("<uslug:slug>/", views.CountryDetailView.as_view(), name="detail"),
    ],
    "countries",
)

area_patterns = (
    [
        path("", views.AreaListView.as_view(), name="list"),
        path("<uslug:slug>/", views.AreaDetailView.as_view(), name="detail"),
    ],
    "areas",
)
