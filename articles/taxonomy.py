"""Published-article counts for countries and cooperation areas.

The counts belong here, not on the countries' QuerySets: "published" is this app's rule
(`published_condition`), and `countries` must not import the app above it.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Count, Model, QuerySet

from articles.models import published_condition

M = TypeVar("M", bound=Model)


def with_article_counts(queryset: QuerySet[M]) -> QuerySet[M]:
    """Annotate each country or area with `article_count`: published articles only, one query.

    Works for any model that `Article` links to with `related_name="articles"`.
    """
    counted = queryset.annotate(
        article_count=Count("articles", filter=published_condition("articles__"), distinct=True)
    )
    # Django drops Meta.ordering from GROUP BY queries; put it back unless one was chosen.
    if counted.query.order_by:
        return counted
    return counted.order_by(*counted.model._meta.ordering)
