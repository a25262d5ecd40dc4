from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.generic import DetailView, ListView

from articles.counts import link_counts, selection_count, tags_in_use, top_tags
from articles.facets import Selection, selection_facets
from articles.models import (
    Article,
    ArticleQuerySet,
    Correction,
    Tag,
    attach_links,
    cards,
    current_language,
    related_articles,
)
from articles.pagination import DepthLimitedMixin
from articles.taxonomy import with_article_counts
from countries.models import CooperationArea, Country
from summit.statements import Statement

LATEST_COUNT = 8
HOME_TAG_COUNT = 16


def home(request: HttpRequest) -> HttpResponse:
    """The front page: the lead story, the latest articles, the region, areas and top tags."""
    published = Article.objects.published().in_language()
    lead = published.filter(featured=True).first() or published.first()
    latest = list(published.exclude(pk=lead.pk)[:LATEST_COUNT]) if lead else []
    cards([lead, *latest] if lead else [])
    context = {
        "lead": lead,
        "latest": latest,
        "region": with_article_counts(Country.objects.featured_on_home()),
        "areas": with_article_counts(CooperationArea.objects.all()),
        "top_tags": top_tags(link_counts()["tag"], HOME_TAG_COUNT),
    }
    return render(request, "home.html", context)


class ArticleListView(DepthLimitedMixin, ListView):
    """Published articles, newest first, narrowed by the reader's selection of facets.

    Taxonomy pages (tag, country, area) are this list with a fixed starting selection. Pages
    stop at `articles.pagination.MAX_PAGES`; the count is shared per selection.
    """

    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset) -> int:
        return settings.ARTICLES_PER_PAGE

    def get_selection(self) -> Selection:
        return Selection.from_params(self.request.GET)

    def get_queryset(self) -> ArticleQuerySet:
        self.selection = self.get_selection()
        articles = self.selection.apply(Article.objects.published().in_language())
        return articles

    def count_key(self) -> str:
        return "articles:" + urlencode(self.selection.params())

    def maintained_count(self) -> int | None:
        selection = self.selection
        return selection_count(
            country=selection.country.pk if selection.country else None,
            area=selection.area.pk if selection.area else None,
            tags=[tag.pk for tag in selection.tags],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["articles"] = context["object_list"] = cards(context["object_list"])
        context["selection"] = self.selection
        context["active_filters"] = self.selection.active_filters()
        context["list_feed_url"] = self.selection.url("articles:list_feed")
        context["facets"] = selection_facets(self.selection)
        return context


class TagDetailView(ArticleListView):
    template_name = "articles/tag_detail.html"

    def get_selection(self) -> Selection:
        # A tag used only by drafts or scheduled articles must not reveal itself.
        self.tag = get_object_or_404(Tag.objects.public(), slug=self.kwargs["slug"])
        return Selection(tags=(self.tag,))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        return context


class TagListView(ListView):
    template_name = "articles/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        return tags_in_use()


def with_page_facts(articles: ArticleQuerySet) -> ArticleQuerySet:
    """`articles` with what the article page asks of its article besides its columns.

    Most articles have no correction and no translation: asking in the article's own query
    saves a query for each of them on most pages.
    """
    return articles.annotate(
        has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
        has_translations=Exists(Article.objects.filter(translation_of=OuterRef("pk"))),
    )


# The article page's article, built and compiled once per process (`summit.statements`).
PUBLISHED_ARTICLE = Statement(
    lambda slug, now: with_page_facts(Article.objects.published(now)).filter(slug=slug)[:1],
    Article._meta.get_field("slug"),
    Article._meta.get_field("publish_at"),
)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset: ArticleQuerySet | None = None) -> Article:
        """The published article with the slug, in any language: one asked for under another
        language's prefix moves to its own."""
        found = PUBLISHED_ARTICLE(self.kwargs[self.slug_url_kwarg], timezone.now())
        if not found:
            raise Http404("No published article has this address.")
        return found[0]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        if self.object.language != current_language():
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        article = self.object
        related = related_articles(article)
        # The article's and its related cards' countries, areas and tags in one query.
        attach_links([article, *related])
        context["related_articles"] = related
        # Oldest first, as they were published; most articles have none, known without a query.
        notes = list(article.corrections.all()) if article.has_corrections else []
        context["corrections"] = notes
        context["latest_correction"] = notes[-1] if notes else None
        context["translation_urls"] = translation_urls(article)
        context["translations"] = [
            (code, name, url)
            for code, name in settings.LANGUAGES
            if code != article.language and (url := context["translation_urls"].get(code))
        ]
        return context


def translation_urls(article: Article) -> dict[str, str]:
    """The addresses of the article and its published translations, by language.

    A published original annotated `has_translations=False` (the article page does so) is a
    story of one, known without a query.
    """
    alone = (
        article.translation_of_id is None and getattr(article, "has_translations", None) is False
    )
    if alone and article.is_public:
        return {article.language: article.get_absolute_url()}
    story = Article.objects.published().in_story(article).only("slug", "language")
    return {version.language: version.get_absolute_url() for version in story}
