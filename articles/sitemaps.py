"""Sitemaps for search engines: articles, taxonomy pages, section pages and Google News.

Served as an index at /sitemap.xml with one sitemap per section (summit/urls.py). Only
published articles appear, and taxonomy pages only while they have something published.

Nothing here is recomputed over the whole collection per request (issue #12): the articles'
pages are id ranges whose starts are read again only when the number of published articles
has moved by half a page (`page_starts`), and the dates that take an aggregate over every
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
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property

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
from summit.cache import SAFETY_TIMEOUT, cached_for_content

NEWS_WINDOW = timedelta(days=2)
# Google News reads at most 1,000 articles from one news sitemap.
NEWS_LIMIT = 1000
# Addresses per page of the articles' sitemap (the protocol allows 50,000).
ARTICLES_PER_SITEMAP = 500


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


def read_page_starts(per_page: int) -> list[int]:
    """Every `per_page`th published article in the page's language, by id: the first id of
    each page of the articles' sitemap (about 13 ms at 100,000, from the index
    `article_published_id_idx`)."""
    ids = Article.objects.published().in_language().values("pk").order_by()
    if connection.vendor != "postgresql":
        return list(ids.order_by("pk").values_list("pk", flat=True))[::per_page]
    sql, params = ids.query.sql_with_params()
    # Sliced in the database: sending 100,000 ids to Python took three times as long.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ids[n] FROM (SELECT array_agg(id ORDER BY id) AS ids"
            f" FROM ({sql}) published (id)) agg,"
            " generate_series(1, coalesce(array_length(ids, 1), 0), %s) n ORDER BY n",
            [*params, per_page],
        )
        return [start for (start,) in cursor.fetchall()]


def page_starts(per_page: int) -> list[int]:
    """Where each page of the articles' sitemap in the page's language starts (an id), one
    page per start: shared by every process, and read again only when the number of published
    articles has moved by half a page or more since (or after `SAFETY_TIMEOUT`).

    Pages are id ranges between these, read through the primary key: with an OFFSET past
    every earlier page, the deepest pages read 94,000 rows first at 100,000 articles (240-300
    ms a page). The ranges cover every id whatever the starts (the first page has no lower
    bound, the last no upper one), so starts read before a few articles came or went only
    make some pages a little longer or shorter than `per_page`, never leave an article out.
    Reading them at every write made the first sitemap page after it 13 ms slower.
    """
    published = selection_count() or 0
    key = f"summit:sitemap-page-starts:{current_language()}:{per_page}"
    kept = cache.get(key)
    if kept is not None and abs(kept[0] - published) < max(1, per_page // 2):
        return kept[1]
    starts = read_page_starts(per_page)
    cache.set(key, (published, starts), SAFETY_TIMEOUT)
    return starts


class IdRangePaginator(Paginator):
    """Pages of published articles by id, one per start (`page_starts`)."""

    @cached_property
    def starts(self) -> list[int]:
        return page_starts(self.per_page)

    @cached_property
    def count(self) -> int:
        # Only the number of pages is used (the sitemaps never show the count).
        return len(self.starts) * self.per_page

    @cached_property
    def num_pages(self) -> int:
        return max(len(self.starts), 1)  # a language with no article has one empty page

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if not self.starts:
            return self._get_page(self.object_list.none(), number, self)
        on_page = self.object_list
        if number > 1:
            on_page = on_page.filter(pk__gte=self.starts[number - 1])
        if number < len(self.starts):
            on_page = on_page.filter(pk__lt=self.starts[number])
        return self._get_page(on_page.order_by("pk"), number, self)


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


class ArticleSitemap(Sitemap):
    """Published articles in the page's language, each with its story's other published
    versions as alternates."""

    limit = ARTICLES_PER_SITEMAP

    def _urls(self, page: Any, protocol: str, domain: str) -> list[dict[str, Any]]:
        # What `Sitemap._urls` makes of each item, without asking for the priority, change
        # frequency and alternates one item at a time (a page holds hundreds).
        articles = list(self.paginator.page(page).object_list)
        stories = story_alternates(articles)
        site = f"{protocol}://{domain}"
        urls = []
        for article in articles:
            versions = stories.get(article.story_id, {})
            urls.append(
                {
                    "item": article,
                    "location": site + article.get_absolute_url(),
                    "lastmod": article.last_modified,
                    "news": None,
                    "alternates": [
                        {"lang_code": code, "location": site + versions[code]}
                        for code, _name in settings.LANGUAGES
                        if code in versions
                    ],
                }
            )
        self.latest_lastmod = max((url["lastmod"] for url in urls), default=None)
        return urls

    def items(self) -> ArticleQuerySet:
        # Only what a sitemap row needs.
        return (
            Article.objects.published()
            .in_language()
            .only("slug", "language", "translation_of", "publish_at", "updated_at")
        )

    def lastmod(self, item: Article) -> datetime:
        return item.last_modified

    @property
    def paginator(self) -> Paginator:
        return IdRangePaginator(self.items(), self.limit)

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


# Ids at most this many times as far apart as there are articles count as close together.
CLOSE_IDS = 4


def story_alternates(articles: list[Article]) -> dict[int, dict[str, str]]:
    """{story id: {language: address}} for the stories of these articles that have more than
    one published version, in one query that reads only the other versions.

    Most articles are stories of one: reading every story's versions to learn that took
    longer than the rest of the page. When the articles' ids lie close together, as on a page
    of the articles' sitemap (an id range), the translations of the originals among them are
    read as one range of the `translation_of` index rather than id by id; what the range holds
    besides is left out below. Ids far apart are looked up one by one: a range over them could
    hold every translation there is.
    """
    if not articles:
        return {}
    stories = {article.story_id for article in articles}
    originals_of_translations = {article.translation_of_id for article in articles} - {None}
    ids = [article.pk for article in articles]
    low, high = min(ids), max(ids)
    if high - low < CLOSE_IDS * len(ids):
        translations = Q(translation_of__gte=low, translation_of__lte=high)
    else:
        translations = Q(translation_of_id__in=stories)
    others = list(
        Article.objects.published()
        .filter(
            translations
            | Q(translation_of_id__in=originals_of_translations)
            | Q(pk__in=originals_of_translations)
        )
        .only("slug", "language", "translation_of")
    )
    translated = {version.story_id for version in others} & stories
    alternates: dict[int, dict[str, str]] = {}
    for version in [*others, *(a for a in articles if a.story_id in translated)]:
        alternates.setdefault(version.story_id, {})[version.language] = version.get_absolute_url()
    return {story: versions for story, versions in alternates.items() if len(versions) > 1}


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
