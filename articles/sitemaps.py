"""Sitemaps for search engines: articles, taxonomy pages, section pages and Google News.

Served as an index at /sitemap.xml with one sitemap per section (summit/urls.py). Only
published articles appear, and taxonomy pages only while they have something published.

Nothing here is recomputed over the whole collection per request (issue #12): the articles
are counted by the maintained counts, and the dates that take an aggregate over every
published article are either computed once per content generation and shared
(`summit.cache.cached_for_content`: the latest change) or left to the section page that
shows them (each tag's, country's and area's), which the page cache keeps until the next
write; the index counts those pages from the maintained counts instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from articles.counts import link_counts, selection_count
from articles.models import (
    Article,
    ArticleQuerySet,
    Tag,
    current_language,
    last_modified_expression,
    published_condition,
)
from countries.models import CooperationArea, Country, places
from summit.cache import cached_for_content

NEWS_WINDOW = timedelta(days=2)
# Google News reads at most 1,000 articles from one news sitemap.
NEWS_LIMIT = 1000
# Addresses per page of the articles' sitemap (the protocol allows 50,000): a page is built
# in a fraction of a second, and the deepest reads a short index range past its offset.
ARTICLES_PER_SITEMAP = 1000


def latest_article_change() -> datetime | None:
    """When a published article in the page's language last changed (`last_modified`)."""
    return cached_for_content(
        "sitemaps:latest-article-change",
        lambda: Article.objects.published().in_language().latest_modification(),
    )


class CountedPaginator(Paginator):
    """A paginator told its count (from the maintained counts) instead of counting."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.count = count


class AlternatesMixin:
    """Each address with its versions in the other languages (`<xhtml:link hreflang>`).

    Pages other than articles exist in every language at their translated address; an
    article's alternates are its story's published translations (`story_alternates`).
    """

    def _urls(self, page, protocol, domain) -> list[dict[str, Any]]:
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            locations = self.alternate_locations(url["item"], urls)
            if len(locations) > 1:
                url["alternates"] = [
                    {"lang_code": code, "location": f"{protocol}://{domain}{location}"}
                    for code, location in locations.items()
                ]
        return urls

    def alternate_locations(self, item: Any, urls: list[dict[str, Any]]) -> dict[str, str]:
        locations = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                locations[code] = self._location(item)
        return locations


class ArticleSitemap(AlternatesMixin, Sitemap):
    limit = ARTICLES_PER_SITEMAP

    def alternate_locations(self, item: Article, urls: list[dict[str, Any]]) -> dict[str, str]:
        if not hasattr(self, "_stories"):
            self._stories = story_alternates([url["item"] for url in urls])
        return self._stories.get(item.story_id, {})

    def items(self) -> ArticleQuerySet:
        # Only what a sitemap row needs: 50,000 rows per page stay light.
        return (
            Article.objects.published()
            .in_language()
            .only("slug", "language", "translation_of", "publish_at", "updated_at")
        )

    def lastmod(self, item: Article) -> datetime:
        return item.last_modified

    @property
    def paginator(self) -> Paginator:
        return CountedPaginator(self.items(), self.limit, selection_count() or 0)

    def get_latest_lastmod(self) -> datetime | None:
        # For the index: instead of Django's default walk over every item.
        return latest_article_change()


class NewsSitemap(ArticleSitemap):
    """Articles from the last two days, with the Google News publication details."""

    limit = NEWS_LIMIT

    @property
    def paginator(self) -> Paginator:
        return Paginator(self.items(), self.limit)

    def get_latest_lastmod(self) -> datetime | None:
        # The last two days only: a short index range.
        return self.items().latest_modification()

    def items(self) -> ArticleQuerySet:
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published()
            .in_language()
            .filter(publish_at__gte=since)
            .only("slug", "title", "language", "translation_of", "publish_at", "updated_at")[
                :NEWS_LIMIT
            ]
        )

    def _urls(self, page, protocol, domain) -> list[dict[str, Any]]:
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["news"] = {
                "publication": settings.SITE_NAME,
                "language": current_language(),
                "published": url["item"].publish_at,
                "title": url["item"].title,
            }
        return urls


def story_alternates(articles: list[Article]) -> dict[int, dict[str, str]]:
    """{story id: {language: address}} for the stories of these articles, in one query."""
    stories = {article.story_id for article in articles}
    if not stories:
        return {}
    versions = (
        Article.objects.published()
        .filter(Q(pk__in=stories) | Q(translation_of_id__in=stories))
        .only("slug", "language", "translation_of")
    )
    alternates: dict[int, dict[str, str]] = {}
    for version in versions:
        alternates.setdefault(version.story_id, {})[version.language] = version.get_absolute_url()
    return alternates


class LatestChangeSitemap(AlternatesMixin, Sitemap):
    """Taxonomy pages, each last changed when its latest published article was.

    "Changed" is the article's `last_modified` (its `last_modified_expression` in SQL), so a
    page's date agrees with the dates of the articles it lists. The dates group every link
    of every published article: only the section's own page reads them, and the index, which
    needs only how many pages there are, takes that from `page_count()`.
    """

    def page_count(self) -> int:
        raise NotImplementedError

    @property
    def paginator(self) -> Paginator:
        return CountedPaginator(self.items(), self.limit, self.page_count())

    def lastmod(self, item) -> datetime | None:
        return item.last_change

    def get_latest_lastmod(self) -> datetime | None:
        # For the index, without the dates of every page: the section changed when an article
        # last did (a page's date is its latest article's, and every article is on a page).
        return latest_article_change()


class TagSitemap(LatestChangeSitemap):
    def page_count(self) -> int:
        # The tags that published articles in this language carry: the ones listed below.
        return len(link_counts()["tag"])

    def items(self) -> QuerySet[Tag]:
        return (
            Tag.objects.in_use()
            .annotate(
                last_change=Max(
                    last_modified_expression("tagged_articles__content_object__"),
                    filter=published_condition("tagged_articles__content_object__")
                    & Q(tagged_articles__content_object__language=current_language()),
                )
            )
            # Each language's sitemap lists the tag pages that have its articles.
            .filter(last_change__isnull=False)
            .order_by("name")
        )


class CountrySitemap(LatestChangeSitemap):
    def page_count(self) -> int:
        return len(places().countries)

    def items(self) -> QuerySet[Country]:
        return Country.objects.annotate(
            last_change=Max(
                last_modified_expression("articles__"),
                filter=published_condition("articles__") & Q(articles__language=current_language()),
            )
        ).order_by("name")


class AreaSitemap(LatestChangeSitemap):
    def page_count(self) -> int:
        return len(places().areas)

    def items(self) -> QuerySet[CooperationArea]:
        return CooperationArea.objects.annotate(
            last_change=Max(
                last_modified_expression("articles__"),
                filter=published_condition("articles__") & Q(articles__language=current_language()),
            )
        ).order_by("position", "name")


class SectionSitemap(AlternatesMixin, Sitemap):
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
        self.latest_change = latest_article_change()
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
