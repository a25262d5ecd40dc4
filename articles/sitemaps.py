"""Sitemaps for search engines: articles, taxonomy pages, section pages and Google News.

Served as an index at /sitemap.xml with one sitemap per section (summit/urls.py). Only
published articles appear, and taxonomy pages only while they have something published.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Article,
    ArticleQuerySet,
    Tag,
    last_modified_expression,
    published_condition,
)
from countries.models import CooperationArea, Country

NEWS_WINDOW = timedelta(days=2)
# Google News reads at most 1,000 articles from one news sitemap.
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    def items(self) -> ArticleQuerySet:
        # Only what a sitemap row needs: 50,000 rows per page stay light.
        return Article.objects.published().only("slug", "publish_at", "updated_at")

    def lastmod(self, item: Article) -> datetime:
        return item.last_modified

    def get_latest_lastmod(self) -> datetime | None:
        # For the index: one aggregate instead of Django's default walk over every item.
        return self.items().latest_modification()


class NewsSitemap(ArticleSitemap):
    """Articles from the last two days, with the Google News publication details."""

    limit = NEWS_LIMIT

    def items(self) -> ArticleQuerySet:
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .filter(publish_at__gte=since)
            .only("slug", "title", "publish_at", "updated_at")[:NEWS_LIMIT]
        )

    def _urls(self, page, protocol, domain) -> list[dict[str, Any]]:
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["news"] = {
                "publication": settings.SITE_NAME,
                "language": settings.LANGUAGE_CODE.split("-")[0],
                "published": url["item"].publish_at,
                "title": url["item"].title,
            }
        return urls


class LatestChangeSitemap(Sitemap):
    """Taxonomy pages, each last changed when its latest published article was.

    "Changed" is the article's `last_modified` (its `last_modified_expression` in SQL), so a
    page's date agrees with the dates of the articles it lists.
    """

    def lastmod(self, item) -> datetime | None:
        return item.last_change

    def get_latest_lastmod(self) -> datetime | None:
        # Pages without published articles have no date; the rest still give the section one.
        return max(filter(None, (item.last_change for item in self.items())), default=None)


class TagSitemap(LatestChangeSitemap):
    def items(self) -> QuerySet[Tag]:
        return (
            Tag.objects.in_use()
            .annotate(
                last_change=Max(
                    last_modified_expression("tagged_articles__content_object__"),
                    filter=published_condition("tagged_articles__content_object__"),
                )
            )
            .order_by("name")
        )


class CountrySitemap(LatestChangeSitemap):
    def items(self) -> QuerySet[Country]:
        return Country.objects.annotate(
            last_change=Max(
                last_modified_expression("articles__"), filter=published_condition("articles__")
            )
        ).order_by("name")


class AreaSitemap(LatestChangeSitemap):
    def items(self) -> QuerySet[CooperationArea]:
        return CooperationArea.objects.annotate(
            last_change=Max(
                last_modified_expression("articles__"), filter=published_condition("articles__")
            )
        ).order_by("position", "name")


class SectionSitemap(Sitemap):
    """The home page and the section indexes."""

    names = [
        "home",
        "articles:list",
        "articles:archive",
        "countries:list",
        "areas:list",
        "articles:tag_list",
    ]

    def items(self) -> list[str]:
        # They all change when an article does.
        self.latest_change = ArticleSitemap().get_latest_lastmod()
        return self.names

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str) -> datetime | None:
        return self.latest_change


SITEMAPS: dict[str, type[Sitemap]] = {
    "sections": SectionSitemap,
    "articles": ArticleSitemap,
    "news": NewsSitemap,
    "tags": TagSitemap,
    "countries": CountrySitemap,
    "areas": AreaSitemap,
}
