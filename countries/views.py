from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.facets import Selection
from articles.views import ArticleListView
from countries.models import CooperationArea, Country


class CountryListView(ListView):
    template_name = "countries/country_list.html"
    context_object_name = "countries"

    def get_queryset(self):
        return Country.objects.with_article_counts()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        countries = list(context["countries"])
        context["groups"] = [
            (label, [c for c in countries if c.role == role])
            for role, label in Country.Role.choices
        ]
        return context


class CountryDetailView(ArticleListView):
    """A country's profile, its published articles and the areas they cover."""

    template_name = "countries/country_detail.html"

    def get_selection(self) -> Selection:
        self.country = get_object_or_404(Country, slug=self.kwargs["slug"])
        return Selection(country=self.country)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(country=self.country, **kwargs)


class AreaListView(ListView):
    template_name = "countries/area_list.html"
    context_object_name = "areas"

    def get_queryset(self):
        return CooperationArea.objects.with_article_counts()


class AreaDetailView(ArticleListView):
    """A cooperation area's description, its published articles and the countries involved."""

    template_name = "countries/area_detail.html"

    def get_selection(self) -> Selection:
        self.area = get_object_or_404(CooperationArea, slug=self.kwargs["slug"])
        return Selection(area=self.area)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(area=self.area, **kwargs)
