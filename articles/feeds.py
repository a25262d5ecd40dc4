"""RSS 2.0 and Atom 1.0 feeds of published articles: the whole site, a tag, a country, an
area, an author, or any combination of facets a reader has filtered /articles/ to.

Items carry the standfirst as summary and the full sanitised body as content
(`content:encoded` in RSS, `<content type="html">` in Atom), with absolute links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import escape
from django.utils.translation import gettext

from articles.body import attach_body_html
from articles.facets import Selection
from articles.models import (
    CREDIT_RELATIONS,
    Article,
    ArticleQuerySet,
    AuthorProfile,
    Correction,
    Tag,
)
from countries.models import CooperationArea, Country

FEED_SIZE = 20
_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")/(?!/)')


class RssWithContent(Rss201rev2Feed):
    def rss_attributes(self) -> dict[str, str]:
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class AtomWithContent(Atom1Feed):
    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


@dataclass(frozen=True)
class FeedSource:
    """What a feed is about: its title, the page it mirrors and that page's articles."""

    title: str
    description: str
    link: str
    articles: ArticleQuerySet


class ArticleFeed(Feed):
    """The latest published articles of the whole site; subclasses narrow `get_object`."""

    feed_type: type[SyndicationFeed] = RssWithContent

    def get_object(self, request: HttpRequest, *args, **kwargs) -> FeedSource:
        return FeedSource(
            title=settings.SITE_NAME,
            description=settings.SITE_TAGLINE,
            link=reverse("home"),
            articles=Article.objects.published().in_language(),
        )

    def get_feed(self, obj: FeedSource, request: HttpRequest) -> SyndicationFeed:
        feed = super().get_feed(obj, request)
        # Feed readers show the body away from the site: links in it must be absolute.
        root = request.build_absolute_uri("/")
        for item in feed.items:
            item["content_html"] = _RELATIVE_URL.sub(rf"\1{root}", item["content_html"])
            if item["author_link"]:
                item["author_link"] = request.build_absolute_uri(item["author_link"])
        return feed

    def title(self, obj: FeedSource) -> str:
        return obj.title

    def link(self, obj: FeedSource) -> str:
        return obj.link

    def description(self, obj: FeedSource) -> str:
        return obj.description

    def items(self, obj: FeedSource) -> list[Article]:
        articles = obj.articles.select_related(*CREDIT_RELATIONS)
        items = list(articles.prefetch_related("tags", "corrections")[:FEED_SIZE])
        attach_body_html(items)  # their library images in one query, not one per item
        return items

    def item_title(self, item: Article) -> str:
        # Plain text: feed readers (feedparser among them) read RSS and Atom titles as text.
        return item.title

    def item_description(self, item: Article) -> str:
        # Summaries are HTML in both formats; the standfirst is plain text. Corrections and
        # updates follow it, newest first, so a reader of the feed sees what changed.
        summary = escape(item.dek or item.title)
        notes = _correction_notes(reversed(item.corrections.all()))
        return f"{summary}{notes}" if notes else summary

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_author_name(self, item: Article) -> str:
        return item.author_name

    def item_author_link(self, item: Article) -> str | None:
        return item.author_url or None

    def item_pubdate(self, item: Article) -> datetime:
        return item.publish_at

    def item_updateddate(self, item: Article) -> datetime:
        return item.last_modified

    def item_categories(self, item: Article) -> list[str]:
        return [tag.name for tag in item.tags.all()]

    def item_extra_kwargs(self, item: Article) -> dict[str, str]:
        # The notes close the content as they close the article page.
        notes = _correction_notes(item.corrections.all())
        if notes:
            title = escape(gettext("Corrections and updates"))
            notes = f"<h2>{title}</h2>{notes}"
        return {"content_html": f"{item.body_html}{notes}"}


def _correction_notes(corrections: Iterable[Correction]) -> str:
    """The notes as HTML paragraphs, "<p><strong>Updated 2 Dec 2026:</strong> …</p>"."""
    return "".join(
        f"<p><strong>{escape(note.heading)}:</strong> {escape(note.note)}</p>"
        for note in corrections
    )


class AtomArticleFeed(ArticleFeed):
    feed_type = AtomWithContent

    def subtitle(self, obj: FeedSource) -> str:
        return obj.description


def _existing(source: FeedSource) -> FeedSource:
    """A feed whose page would be a 404 (nothing published) is a 404 too."""
    if not source.articles.exists():
        raise Http404("Nothing published here.")
    return source


class TagFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, slug: str) -> FeedSource:
        tag = get_object_or_404(Tag.objects.public(), slug=slug)
        return _existing(
            FeedSource(
                title=f"{tag.name} — {settings.SITE_NAME}",
                description=f"Articles tagged “{tag.name}” on {settings.SITE_NAME}.",
                link=tag.get_absolute_url(),
                articles=Selection(tags=(tag,)).apply(Article.objects.published().in_language()),
            )
        )


class TaxonomyFeed(ArticleFeed):
    """The feed of one country's or cooperation area's page."""

    model: type[Country] | type[CooperationArea]
    selection_field: str  # the Selection field the page filters on

    def get_object(self, request: HttpRequest, slug: str) -> FeedSource:
        subject = get_object_or_404(self.model, slug=slug)
        return FeedSource(
            title=f"{subject.name} — {settings.SITE_NAME}",
            description=subject.summary or f"Articles on {subject.name}.",
            link=subject.get_absolute_url(),
            articles=Selection(**{self.selection_field: subject}).apply(
                Article.objects.published().in_language()
            ),
        )


class CountryFeed(TaxonomyFeed):
    model = Country
    selection_field = "country"


class AreaFeed(TaxonomyFeed):
    model = CooperationArea
    selection_field = "area"


class FacetFeed(ArticleFeed):
    """The feed of /articles/ with whatever `?tag=…&country=…&area=…` the reader chose."""

    def get_object(self, request: HttpRequest) -> FeedSource:
        selection = Selection.from_params(request.GET)
        labels = " · ".join(f.label for f in selection.active_filters())
        return FeedSource(
            title=f"{labels} — {settings.SITE_NAME}" if labels else settings.SITE_NAME,
            description=f"Articles on {labels}." if labels else settings.SITE_TAGLINE,
            link=selection.url(),
            articles=selection.apply(Article.objects.published().in_language()),
        )


class AuthorFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, username: str) -> FeedSource:
        user_model = get_user_model()
        author = get_object_or_404(
            user_model.objects.select_related("author_profile"),
            **{user_model.USERNAME_FIELD: username},
        )
        name = AuthorProfile.name_of(author)
        return _existing(
            FeedSource(
                title=f"{name} — {settings.SITE_NAME}",
                description=f"Articles by {name} on {settings.SITE_NAME}.",
                link=AuthorProfile.url_of(author),
                articles=Article.objects.published().in_language().filter(author=author),
            )
        )
