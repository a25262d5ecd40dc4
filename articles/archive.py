"""Date archives: published articles by year and by month, with links between months."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.views.generic.dates import MonthArchiveView, YearArchiveView

from articles.models import Article, ArticleQuerySet
from articles.pagination import DepthLimitedMixin
from summit.cache import cached_for_content


def months_with_articles(articles: ArticleQuerySet) -> list[dict[str, Any]]:
    """`{"month": datetime, "count": n}` for each month that has articles, oldest first."""
    return list(
        articles.order_by()
        .annotate(month=TruncMonth("publish_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    )


def archive_index(request: HttpRequest) -> HttpResponse:
    # Every published article is counted: once per change, shared by every request.
    months = cached_for_content(
        "archive:months", lambda: months_with_articles(Article.objects.published().in_language())
    )
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
        return Article.objects.published().in_language().for_cards()

    def get_paginate_by(self, queryset) -> int:
        return settings.ARTICLES_PER_PAGE


class ArticleYearArchiveView(DepthLimitedMixin, ArchiveMixin, YearArchiveView):
    """A year's articles, as deep as lists go; its months (below) reach the rest."""

    template_name = "articles/article_archive_year.html"
    make_object_list = True

    def count_key(self) -> str:
        return f"archive-year:{self.get_year()}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year = context["year"].year
        context["months"] = cached_for_content(
            f"archive:months:{year}",
            lambda: months_with_articles(
                Article.objects.published().in_language().filter(publish_at__year=year)
            ),
        )
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
