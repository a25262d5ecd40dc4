"""Articles by country and by cooperation area: their pages and the coverage matrix.

They live with the articles because they list articles; `countries` keeps the places
themselves and imports nothing from here.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from articles.counts import articles_per_month
from articles.coverage import coverage_matrix
from articles.facets import Selection
from articles.taxonomy import with_article_counts
from articles.views import ArticleListView
from countries.maps import map_codes, render_region_map
from countries.models import CooperationArea, Country
from summit.charts import month_series, render_monthly_chart


def region_links(countries: list[Country]) -> dict[str, str]:
    """Map codes of the region's countries (Central Asia and Japan) to their pages."""
    region_roles = {Country.Role.CENTRAL_ASIA, Country.Role.HOST}
    return {str(c.code): c.get_absolute_url() for c in countries if c.role in region_roles}


class CoverageChartMixin:
    """Adds a chart of published articles per month over the last year for the page's selection."""

    def coverage_chart(self, subject: str) -> tuple[SafeString, list]:
        """The chart for a page narrowed to one country or one area, from the maintained
        counts per month."""
        today = timezone.localdate()
        selection = self.selection
        counts = articles_per_month(
            country=selection.country.pk if selection.country else None,
            area=selection.area.pk if selection.area else None,
        )
        series = month_series(counts, end=today)
        title = _("Articles on %(subject)s per month") % {"subject": subject}
        chart = render_monthly_chart(series, title=title)
        return chart, series


class CountryListView(ListView):
    template_name = "countries/country_list.html"
    context_object_name = "countries"

    def get_queryset(self):
        return with_article_counts(Country.objects.all())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        countries = list(context["countries"])
        # By role value: the template names each group ("Japan", "Partners") in the page's
        # language.
        context["groups"] = [
            (role, [c for c in countries if c.role == role]) for role in Country.Role.values
        ]
        context["region_map"] = render_region_map(
            links=region_links(countries),
            names={str(c.code): c.name for c in countries},
            title=_("Map of Central Asia and Japan"),
            description=_("Select a Central Asian state or Japan to open its page."),
        )
        return context


class CountryDetailView(CoverageChartMixin, ArticleListView):
    """A country's profile, its published articles and the areas they cover."""

    template_name = "countries/country_detail.html"

    def get_selection(self) -> Selection:
        self.country = get_object_or_404(Country, slug=self.kwargs["slug"])
        return Selection(country=self.country)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(country=self.country, **kwargs)
        code = str(self.country.code)
        if code in map_codes():
            context["region_map"] = render_region_map(
                highlight=code,
                names={code: self.country.name},
                title=_("%(country)s on the map of Central Asia and its neighbours")
                % {"country": self.country.name},
                description=_("%(country)s is highlighted.") % {"country": self.country.name},
            )
        context["coverage_chart"], context["coverage_series"] = self.coverage_chart(
            self.country.name
        )
        return context


class AreaListView(ListView):
    template_name = "countries/area_list.html"
    context_object_name = "areas"

    def get_queryset(self):
        return with_article_counts(CooperationArea.objects.all())


class AreaDetailView(CoverageChartMixin, ArticleListView):
    """A cooperation area's description, its published articles and the countries involved."""

    template_name = "countries/area_detail.html"

    def get_selection(self) -> Selection:
        self.area = get_object_or_404(CooperationArea, slug=self.kwargs["slug"])
        return Selection(area=self.area)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(area=self.area, **kwargs)
        context["coverage_chart"], context["coverage_series"] = self.coverage_chart(
            self.area.name.lower()
        )
        return context


class CoverageView(TemplateView):
    """Countries by cooperation areas: what the desk has published, and where the gaps are."""

    template_name = "countries/coverage.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(matrix=coverage_matrix(), **kwargs)
