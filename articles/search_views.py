"""The search page: ranked, highlighted results, narrowed by the same facets as /articles/.

A page searches the articles written in its own language only (/ja/search/ finds Japanese
articles), and offers respellings from that language's words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from articles import search
from articles.facets import Selection, facets_from_counts
from articles.models import current_language
from articles.pagination import ArticlePaginator
from summit.addresses import reverse_fixed


@dataclass(frozen=True)
class SearchSelection(Selection):
    """A facet selection whose links stay on the search page and keep the query."""

    query: str = ""

    def url(self, name: str = "articles:search") -> str:
        params = [("q", self.query)] if self.query else []
        query = urlencode([*params, *self.params()])
        return reverse_fixed(name) + (f"?{query}" if query else "")


def search_view(request: HttpRequest) -> HttpResponse:
    text = search.clean_query(request.GET.get("q", ""))
    selection = replace(SearchSelection.from_params(request.GET), query=text)
    context: dict[str, Any] = {
        "search_query": text,
        "selection": selection,
        "active_filters": selection.active_filters(),
        "searched": not search.parse_query(text).is_empty,
    }
    if context["searched"]:
        context.update(_results(request, selection))
    return render(request, "search/search.html", context)


def _paginated(results: search.RankedResults) -> ArticlePaginator:
    # Results are bounded by `search.MAX_CANDIDATES`, so no depth limit on top of that.
    return ArticlePaginator(results, settings.ARTICLES_PER_PAGE, max_pages=None)


def _results(request: HttpRequest, selection: SearchSelection) -> dict[str, Any]:
    language = current_language()
    shown = selection.query
    paginator = _paginated(search.search(shown, language, within=selection))
    suggestion = None
    if paginator.count == 0:
        # Nothing found: if a respelling finds something, show that instead of a dead end.
        suggestion = search.suggest(shown, language)
        if suggestion:
            respelled = _paginated(search.search(suggestion, language, within=selection))
            if respelled.count:
                paginator, shown = respelled, suggestion
            else:
                suggestion = None
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page of results.") from None
    articles = list(page.object_list)
    search.highlight(articles, shown, language)
    facets = facets_from_counts(
        replace(selection, query=shown), paginator.object_list.link_counts()
    )
    return {
        "articles": articles,
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": paginator.num_pages > 1,
        "facets": facets,
        # Over `MAX_CANDIDATES` matches the page says "more than" and facets count those.
        "results_truncated": paginator.object_list.is_truncated,
        "max_candidates": search.MAX_CANDIDATES,
        "shown_query": shown,
        "suggestion": suggestion,
        "suggestion_url": replace(selection, query=suggestion).url() if suggestion else "",
    }
