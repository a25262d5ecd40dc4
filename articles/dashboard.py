"""The desk's panels on the admin home page: my drafts, in review, scheduled next, recently
published and coverage gaps. Registered in `ArticlesConfig.ready()` with
`summit.dashboard.register_panel`; each shows at most `PANEL_ROWS` rows and links to the
article list filtered to the rest.

Every panel runs a fixed number of queries, each bounded by an index: a person's own drafts,
the articles in review or scheduled (few at any time), the newest published, and for the
coverage gaps only what was published in the last `COVERAGE_WINDOW`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from articles.coverage import ROLE_ORDER
from articles.models import Article, ArticleCountry, ReviewNote
from countries.models import CooperationArea, Country
from summit.cache import cached_for_content
from summit.dashboard import register_panel

PANEL_ROWS = 10
COVERAGE_WINDOW = timedelta(days=90)
# Everyone on the desk sees the panels; nobody without it sees any.
PERMISSION = "articles.view_article"
# What a row shows: the body and the rest stay in the database.
ROW_FIELDS = ("title", "slug", "language", "status", "publish_at", "updated_at", "author")


def changelist_url(**filters: Any) -> str:
    """The admin's article list narrowed by `filters` (lookups it accepts as query params)."""
    url = reverse("admin:articles_article_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def my_drafts(request: HttpRequest) -> dict[str, Any]:
    """The signed-in person's drafts, last changed first, each with the note of the editor who
    returned it when that is why it is a draft again (three queries)."""
    user = request.user
    drafts = Article.objects.filter(author=user, status=Article.Status.DRAFT)
    rows = list(drafts.only(*ROW_FIELDS).order_by("-updated_at", "-pk")[:PANEL_ROWS])
    # The latest review step of each shown draft: a return, unless it was submitted since.
    latest_steps: dict[int, ReviewNote] = {}
    steps = (
        ReviewNote.objects.filter(
            article__in=[article.pk for article in rows],
            kind__in=[ReviewNote.Kind.SUBMITTED, ReviewNote.Kind.RETURNED],
        )
        .select_related("user")
        .order_by("article", "-created_at", "-pk")
    )
    for step in steps:
        latest_steps.setdefault(step.article_id, step)
    for article in rows:
        step = latest_steps.get(article.pk)
        article.return_note = step if step and step.kind == ReviewNote.Kind.RETURNED else None
        article.admin_url = change_url(article)
    return {
        "rows": rows,
        "count": drafts.count() if len(rows) == PANEL_ROWS else len(rows),
        "all_url": changelist_url(author__id__exact=user.pk, status__exact=Article.Status.DRAFT),
        "add_url": reverse("admin:articles_article_add")
        if user.has_perm("articles.add_article")
        else "",
    }


def in_review(request: HttpRequest) -> dict[str, Any]:
    """Articles waiting for an editor, the longest waiting first (two queries). Submitted is
    the latest "submitted" review note; an article without one (set in review by a script)
    counts from its last change."""
    waiting = Article.objects.filter(status=Article.Status.REVIEW)
    submitted = (
        ReviewNote.objects.filter(article=OuterRef("pk"), kind=ReviewNote.Kind.SUBMITTED)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    rows = list(
        waiting.annotate(submitted_at=Subquery(submitted))
        .only(*ROW_FIELDS)
        .select_related("author")
        .order_by("submitted_at", "updated_at", "pk")[:PANEL_ROWS]
    )
    for article in rows:
        article.waiting_since = article.submitted_at or article.updated_at
        article.admin_url = change_url(article)
    rows.sort(key=lambda article: (article.waiting_since, article.pk))
    return {
        "rows": rows,
        "count": waiting.count() if len(rows) == PANEL_ROWS else len(rows),
        "all_url": changelist_url(status__exact=Article.Status.REVIEW),
    }


def scheduled_next(request: HttpRequest) -> dict[str, Any]:
    """Published articles waiting for their time, soonest first (two queries)."""
    now = timezone.now()
    scheduled = Article.objects.scheduled()
    rows = list(scheduled.only(*ROW_FIELDS).order_by("publish_at", "pk")[:PANEL_ROWS])
    for article in rows:
        article.admin_url = change_url(article)
    return {
        "rows": rows,
        "count": scheduled.count() if len(rows) == PANEL_ROWS else len(rows),
        "all_url": changelist_url(
            status__exact=Article.Status.PUBLISHED, publish_at__gt=now.isoformat()
        ),
    }


def recently_published(request: HttpRequest) -> dict[str, Any]:
    """The newest live articles (one query: the top of the visibility index)."""
    newest = Article.objects.published().only(*ROW_FIELDS).order_by("-publish_at", "-pk")
    rows = list(newest[:PANEL_ROWS])
    for article in rows:
        article.admin_url = change_url(article)
    return {"rows": rows, "all_url": changelist_url(status__exact=Article.Status.PUBLISHED)}


@dataclass
class CountryGaps:
    country: Country
    areas: list[tuple[CooperationArea, str]] = field(default_factory=list)  # with list URLs
    every_area: bool = False


def covered_pairs(since: timedelta = COVERAGE_WINDOW) -> set[tuple[int, int]]:
    """(country id, area id) of the articles published, in any language, in the last `since`.

    One query, reading only the articles of that window (the visibility index's range) and
    their link rows: it grows with the desk's output over the window, not the archive.
    """
    now = timezone.now()
    links = ArticleCountry.objects.filter(
        article__status=Article.Status.PUBLISHED,
        article__publish_at__gt=now - since,
        article__publish_at__lte=now,
        article__articlearea__isnull=False,
    )
    return set(links.values_list("country_id", "article__articlearea__area_id").distinct())


def coverage_gaps(request: HttpRequest) -> dict[str, Any] | None:
    """Pairs of a country and a cooperation area with nothing published in the last 90 days, by
    country, the region first (three queries). None when there are no countries or areas."""
    # Shared by every editor until the next write or the day's end: an article leaving the
    # window is a day's precision, and the query reads thousands of link rows at 100,000.
    covered = cached_for_content(
        f"dashboard:covered-pairs:{timezone.localdate():%Y-%m-%d}", covered_pairs
    )
    countries = sorted(
        Country.objects.all(), key=lambda c: (ROLE_ORDER.get(c.role, 99), c.name.casefold())
    )
    areas = list(CooperationArea.objects.all())
    if not countries or not areas:
        return None
    gaps = []
    for country in countries:
        missing = [area for area in areas if (country.pk, area.pk) not in covered]
        if not missing:
            continue
        entry = CountryGaps(country, every_area=len(missing) == len(areas))
        entry.areas = [
            (
                area,
                changelist_url(
                    countries__id__exact=country.pk, cooperation_areas__id__exact=area.pk
                ),
            )
            for area in missing
        ]
        gaps.append(entry)
    gap_count = sum(len(entry.areas) for entry in gaps)
    return {
        "rows": gaps[:PANEL_ROWS],
        "more_countries": max(0, len(gaps) - PANEL_ROWS),
        "gap_count": gap_count,
        "pair_count": len(countries) * len(areas),
        "days": COVERAGE_WINDOW.days,
        "matrix_url": reverse("coverage:matrix"),
    }


def register() -> None:
    """Put the desk's panels on the admin home page (called by `ArticlesConfig.ready()`)."""
    panels = [
        ("articles.my_drafts", "admin/dashboard/my_drafts.html", my_drafts),
        ("articles.in_review", "admin/dashboard/in_review.html", in_review),
        ("articles.scheduled", "admin/dashboard/scheduled.html", scheduled_next),
        ("articles.published", "admin/dashboard/recently_published.html", recently_published),
        ("articles.coverage_gaps", "admin/dashboard/coverage_gaps.html", coverage_gaps),
    ]
    for order, (name, template, context) in enumerate(panels, start=1):
        register_panel(
            name, template=template, context=context, permission=PERMISSION, order=order * 10
        )
