from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import DetailView, ListView

from articles.facets import Selection, facets_for
from articles.models import CREDIT_RELATIONS, KICKER_RELATIONS, Article, ArticleQuerySet, Tag
from articles.taxonomy import with_article_counts
from countries.models import CooperationArea, Country

LATEST_COUNT = 8
HOME_TAG_COUNT = 16


def home(request: HttpRequest) -> HttpResponse:
    """The front page: the lead story, the latest articles, the region, areas and top tags."""
    published = Article.objects.published().for_cards()
    lead = published.filter(featured=True).first() or published.first()
    latest = published.exclude(pk=lead.pk)[:LATEST_COUNT] if lead else []
    context = {
        "lead": lead,
        "latest": latest,
        "region": with_article_counts(Country.objects.featured_on_home()),
        "areas": with_article_counts(CooperationArea.objects.all()),
        "top_tags": Tag.objects.in_use().order_by("-article_count", "name")[:HOME_TAG_COUNT],
    }
    return render(request, "home.html", context)


class ArticleListView(ListView):
    """Published articles, newest first, narrowed by the reader's selection of facets.

    Taxonomy pages (tag, country, area) are this list with a fixed starting selection.
    """

    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset) -> int:
        return settings.ARTICLES_PER_PAGE

    def get_selection(self) -> Selection:
        return Selection.from_params(self.request.GET)

    def get_queryset(self) -> ArticleQuerySet:
        self.selection = self.get_selection()
        return self.selection.apply(Article.objects.published()).for_cards()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["selection"] = self.selection
        context["active_filters"] = self.selection.active_filters()
        context["list_feed_url"] = self.selection.url("articles:list_feed")
        context["facets"] = facets_for(self.selection, self.object_list)
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
        return Tag.objects.in_use().order_by("name")


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self) -> ArticleQuerySet:
        return (
            Article.objects.published()
            .select_related(*CREDIT_RELATIONS, *KICKER_RELATIONS)
            .prefetch_related("tags", "countries", "cooperation_areas")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["related_articles"] = (
            Article.objects.published().for_cards().related_to(self.object)
        )
        return context
