"""Published-article counts for countries and cooperation areas, as the pages show them.

The counts belong here, not on the countries' QuerySets: "published" is this app's rule
(`published_condition`), and `countries` must not import the app above it. They come from the
cached aggregate of `articles.counts`, so listing every country costs one query for the
countries themselves however many articles there are.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet

from articles.counts import link_counts, with_counts
from countries.models import CooperationArea, Country

M = TypeVar("M", Country, CooperationArea)

KIND = {Country: "country", CooperationArea: "area"}


def with_article_counts(queryset: QuerySet[M]) -> list[M]:
    """The countries or areas of `queryset`, in its order, each with `article_count`."""
    return with_counts(queryset, link_counts()[KIND[queryset.model]])
