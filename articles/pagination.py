"""Pagination whose cost does not grow with the collection.

Two things make a paginated list slow at 100,000 articles: counting every match on every
request, and `OFFSET` reading past every row before the page. `ArticlePaginator` counts once
per selection between two writes (`summit.cache.cached_for_content`) and stops at `MAX_PAGES`,
so the deepest page reads at most `MAX_PAGES * ARTICLES_PER_PAGE` index entries. Older
articles stay one click away in the archive by month, a date jump that reads an index range.
A page beyond the depth is a 404 that says so (`PageBeyondDepth`, `DepthLimitedMixin`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property

from summit.cache import cached_for_content

# 50 pages of 12 articles: 600 articles deep, about a month of a busy desk's output.
MAX_PAGES = 50


class PageBeyondDepth(Http404):
    """A page number past `MAX_PAGES`: a 404 whose page explains where older articles are."""

    def __init__(self, max_pages: int) -> None:
        super().__init__(f"Lists go back {max_pages} pages; older articles are in the archive.")
        self.max_pages = max_pages


class ArticlePaginator(Paginator):
    """Django's paginator with a count shared per selection and a maximum depth.

    `count_key` names what is counted besides the content (e.g. "articles:tag=energy"); without
    one the count is taken per request as usual. `max_pages=None` lifts the depth limit, for
    lists bounded by something else (a month).
    """

    def __init__(
        self,
        object_list: Sequence[Any],
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        *,
        count_key: str | None = None,
        max_pages: int | None = MAX_PAGES,
        maintained_count: Callable[[], int | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)
        self.count_key = count_key
        self.max_pages = max_pages
        self.maintained_count = maintained_count

    @cached_property
    def count(self) -> int:
        def exact() -> int:
            # A maintained count, when the view has one, spares a COUNT over every match.
            maintained = self.maintained_count() if self.maintained_count else None
            return Paginator.count.func(self) if maintained is None else maintained

        if self.count_key is None:
            return exact()
        return cached_for_content(f"paginator-count:{self.count_key}", exact)

    @cached_property
    def num_pages(self) -> int:
        pages = Paginator.num_pages.func(self)
        return pages if self.max_pages is None else min(pages, self.max_pages)

    @property
    def is_truncated(self) -> bool:
        """True when there are more articles than the reachable pages show."""
        return self.count > self.num_pages * self.per_page

    def validate_number(self, number: Any) -> int:
        # Refuse a deep page before anything is counted or read.
        if self.max_pages is not None:
            try:
                depth = int(number)
            except (TypeError, ValueError):
                depth = None
            if depth is not None and depth > self.max_pages:
                raise PageBeyondDepth(self.max_pages)
        return super().validate_number(number)


def beyond_depth_response(request: HttpRequest, error: PageBeyondDepth) -> HttpResponse:
    """The 404 page for a page past the depth limit, pointing to the archive by month."""
    return render(
        request,
        "articles/page_beyond_depth.html",
        {"max_pages": error.max_pages, "searching": bool(request.GET.get("q"))},
        status=404,
    )


class DepthLimitedMixin:
    """For list views: paginate with `ArticlePaginator`, answer deep pages with the 404 above.

    Views set `count_key()` to share their count between requests.
    """

    paginator_class = ArticlePaginator

    def count_key(self) -> str | None:
        return None

    def maintained_count(self) -> int | None:
        """The list's length from the maintained counts, or None to count the articles."""
        return None

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return super().get_paginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            count_key=self.count_key(),
            maintained_count=self.maintained_count,
            **kwargs,
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except PageBeyondDepth as error:
            return beyond_depth_response(request, error)
