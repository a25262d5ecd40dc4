"""Date archives: published articles by year and by month, with links between months."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.generic.dates import MonthArchiveView, YearArchiveView

from articles.counts import articles_per_month
from articles.models import Article, ArticleQuerySet, cards
from articles.pagination import DepthLimitedMixin


def months_with_articles(year: int | None = None) -> list[dict[str, Any]]:
    """`{"month": datetime, "count": n}` for each month (of `year`, if given) that has
    published articles in the page's language, oldest first, from the maintained counts."""
    counts = articles_per_month()
    return [
        {"month": timezone.make_aware(datetime(month_year, month, 1)), "count": count}
        for (month_year, month), count in sorted(counts.items())
        if year is None or month_year == year
    ]


def archive_index(request: HttpRequest) -> HttpResponse:
    months = months_with_articles()
    years = [
        (year, list(entries))
        for year, entries in groupby(reversed(months), key=lambda entry: entry["month"].year)
    ]
    return render(request, "articles/article_archive.html", {"years": years})


class ArchiveMixin:
    date_field = "publish_at"
    allow_future = False
    # An empty year or month is a 404, and "next"/"previous" skip months without articles.
    allow_empty = False
    context_object_name = "articles"

    def get_queryset(self) -> ArticleQuerySet:
        return Article.objects.published().in_language()

    def get_paginate_by(self, queryset) -> int:
        return settings.ARTICLES_PER_PAGE

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["articles"] = context["object_list"] = cards(context["object_list"])
        return context


class ArticleYearArchiveView(DepthLimitedMixin, ArchiveMixin, YearArchiveView):
    """A year's articles, as deep as lists go; its months (below) reach the rest."""

    template_name = "articles/article_archive_year.html"
    make_object_list = True

    def count_key(self) -> str:
        return f"archive-year:{self.get_year()}"

    def maintained_count(self) -> int:
        return sum(entry["count"] for entry in months_with_articles(int(self.get_year())))

    def get_date_list(self, queryset, date_type=None, ordering="ASC") -> list[datetime]:
        # The year's months from the maintained counts: Django's default reads the month of
        # every article of the year (`dates()`), some 20,000 rows at 100,000 articles.
        months = [entry["month"] for entry in months_with_articles(int(self.get_year()))]
        if not months and not self.get_allow_empty():
            raise Http404(_("No articles in %(year)s.") % {"year": self.get_year()})
        return months if ordering == "ASC" else months[::-1]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year = context["year"].year
        context["months"] = months_with_articles(year)
        context["year_label"] = str(year)
        return context


class ArticleMonthArchiveView(ArchiveMixin, MonthArchiveView):
    template_name = "articles/article_archive_month.html"
    month_format = "%m"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["year_label"] = str(context["month"].year)
        context["month_label"] = date_format(context["month"], "F Y")
        return context
