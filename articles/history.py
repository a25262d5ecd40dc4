"""Revision history for articles, countries and cooperation areas (django-reversion).

An article's revision carries its tag links, country links and area links (and the tags
themselves, so a tag merged or deleted since comes back on restore). Taggit saves tags after
the article row, through its own manager; reversion re-reads the article's links on the
`m2m_changed` signal that taggit sends, so each revision holds the tags as saved.
"""

from __future__ import annotations

from collections.abc import Iterable

import reversion
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from reversion.models import Version

from articles.models import Article, ArticleArea, ArticleCountry, Tag, TaggedArticle
from countries.models import CooperationArea, Country


def _register(model: type[models.Model], **options) -> None:
    # The admin's VersionAdmin registers the models it manages when it is built; whichever
    # comes first wins, with the same result.
    if not reversion.is_registered(model):
        reversion.register(model, **options)


_register(Tag)
_register(TaggedArticle, follow=("tag",))
_register(ArticleCountry)
_register(ArticleArea)
_register(Article, follow=("tagged_items", "articlecountry_set", "articlearea_set"))
_register(Country)
_register(CooperationArea)


def record_revision(
    objects: Iterable[models.Model],
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    comment: str,
) -> None:
    """Save one revision holding `objects` as they are now.

    Call it outside any other revision block: reversion saves nested blocks only when the
    outermost one ends, too late for objects about to be deleted.
    """
    with reversion.create_revision():
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        reversion.set_comment(comment)
        for obj in objects:
            reversion.add_to_revision(obj)


def without_history(articles: Iterable[Article]) -> list[Article]:
    """The articles that have no revision yet (made by a script or before history existed)."""
    articles = list(articles)
    versioned = set(
        Version.objects.get_for_model(Article)
        .filter(object_id__in=[str(article.pk) for article in articles])
        .values_list("object_id", flat=True)
    )
    return [article for article in articles if str(article.pk) not in versioned]
