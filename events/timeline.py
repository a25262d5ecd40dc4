"""An event's story so far: its status history and its coverage, as one list by date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.models import Article, ArticleQuerySet
from events.models import Event, StatusChange

# On one day, the status comes before the articles that report it.
STATUS_FIRST, ARTICLE_NEXT = 0, 1


@dataclass(frozen=True)
class TimelineEntry:
    date: date
    status_change: StatusChange | None = None
    article: Article | None = None

    @property
    def kind(self) -> str:
        return "status" if self.status_change else "article"


def event_articles(event: Event) -> ArticleQuerySet:
    """The published articles on this event in the page's language, oldest first.

    Editors link a story once; its translations follow it, so the Japanese page lists the
    Japanese versions of the linked articles. One query (the linked stories are a subquery).
    """
    stories = Event.articles.through.objects.filter(event=event).values(
        story=Coalesce("article__translation_of_id", "article_id")
    )
    return (
        Article.objects.published()
        .in_language()
        .filter(Q(pk__in=stories) | Q(translation_of_id__in=stories))
        .order_by("publish_at", "pk")
    )


def build_timeline(
    status_changes: list[StatusChange], articles: list[Article]
) -> list[TimelineEntry]:
    """Status changes and articles interleaved by date (articles in publication order)."""
    keyed = [
        (
            (change.date, STATUS_FIRST, change.pk, 0),
            TimelineEntry(change.date, status_change=change),
        )
        for change in status_changes
    ]
    for article in articles:
        published = timezone.localtime(article.publish_at)
        keyed.append(
            (
                (published.date(), ARTICLE_NEXT, published.timestamp(), article.pk),
                TimelineEntry(published.date(), article=article),
            )
        )
    return [entry for _key, entry in sorted(keyed, key=lambda pair: pair[0])]
