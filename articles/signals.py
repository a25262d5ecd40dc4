"""Keep the search index and the maintained counts in step with articles and their links.

Connected in `ArticlesConfig.ready()`. Each handler only works out which articles changed;
`articles.search.reindex()` rebuilds their entries and `LinkTally.objects.sync()` moves the
counts of published articles per language, country, area and tag (an article whose language
changed moves from one language's counts to the other's), both from the database in the same
transaction, so neither ever disagrees with a committed article. An edited media-library
image announces the articles showing it (`library_image_saved`), so their pages follow.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from articles.events import articles_changed
from articles.models import (
    Article,
    ArticleArea,
    ArticleCountry,
    ArticleImage,
    LinkTally,
    Tag,
    TaggedArticle,
)
from articles.search import reindex
from countries.models import CooperationArea, Country
from media_library.models import Image

# What a search document is built from; its copies of status and publish time follow an
# UPDATE of the article through a trigger (migration 0020), however the UPDATE was issued.
INDEXED_FIELDS = {"title", "dek", "body", "language"}


def article_saved(sender, instance: Article, update_fields=None, raw=False, **kwargs) -> None:
    if raw:
        return
    LinkTally.objects.sync([instance.pk])
    if update_fields is not None and not INDEXED_FIELDS & set(update_fields):
        return
    reindex([instance.pk])


def article_deleting(sender, instance: Article, **kwargs) -> None:
    LinkTally.objects.forget([instance.pk])


def _links_moved(article_ids) -> None:
    reindex(article_ids)
    LinkTally.objects.sync(article_ids)


def links_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """An article's tags, countries or areas changed, from either side of the relation."""
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            _links_moved([instance.pk])
        return
    # From a tag, country or area: pk_set holds article ids, except for clear().
    if action == "pre_clear":
        instance._cleared_article_ids = _linked_article_ids(sender, instance)
    elif action == "post_clear":
        _links_moved(getattr(instance, "_cleared_article_ids", []))
    elif action in {"post_add", "post_remove"}:
        _links_moved(pk_set or [])


def link_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """A link row saved directly (a tag merge moves links this way), not through a manager."""
    if not raw:
        _links_moved([_article_id(instance)])


def link_deleted(sender, instance, origin=None, **kwargs) -> None:
    # A deleted article takes its entry with it (rebuilding it here would recreate a row for
    # an article about to disappear); a deleted tag reindexes its articles in one go.
    deleting = origin.model if isinstance(origin, QuerySet) else type(origin)
    if deleting not in (Article, Tag):
        _links_moved([_article_id(instance)])


def _article_id(link) -> int:
    return link.content_object_id if isinstance(link, TaggedArticle) else link.article_id


def _linked_article_ids(link_model, target) -> list[int]:
    if link_model is TaggedArticle:
        return list(
            TaggedArticle.objects.filter(tag=target).values_list("content_object_id", flat=True)
        )
    field = "country" if link_model is ArticleCountry else "area"
    return list(link_model.objects.filter(**{field: target}).values_list("article_id", flat=True))


def name_saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    """A renamed tag, country or area changes the documents of every article using it."""
    if created or raw:
        return
    link_model = {Tag: TaggedArticle, Country: ArticleCountry, CooperationArea: ArticleArea}[sender]
    reindex(_linked_article_ids(link_model, instance))


def tag_deleting(sender, instance: Tag, **kwargs) -> None:
    instance._deleted_article_ids = _linked_article_ids(TaggedArticle, instance)


def tag_deleted(sender, instance: Tag, **kwargs) -> None:
    _links_moved(getattr(instance, "_deleted_article_ids", []))


def library_image_saved(
    sender, instance: Image, created: bool = False, raw: bool = False, **kwargs
) -> None:
    """An edited library image (caption, credit, alt text, a new file) changes the page of
    every article that shows it: announced as a change to them once the edit commits.

    Deleting needs nothing: an image an article shows cannot be deleted (PROTECT).
    """
    if created or raw:
        return
    ids = frozenset(
        ArticleImage.objects.filter(image=instance).values_list("article_id", flat=True)
    )
    if ids:
        transaction.on_commit(
            lambda: articles_changed.send(sender=Article, article_ids=ids), robust=True
        )


def connect() -> None:
    uid = "articles.search"
    post_save.connect(article_saved, sender=Article, dispatch_uid=f"{uid}.article")
    pre_delete.connect(article_deleting, sender=Article, dispatch_uid=f"{uid}.article_deleting")
    for link_model in (TaggedArticle, ArticleCountry, ArticleArea):
        m2m_changed.connect(links_changed, sender=link_model, dispatch_uid=f"{uid}.{link_model}")
        post_save.connect(link_saved, sender=link_model, dispatch_uid=f"{uid}.{link_model}.save")
        post_delete.connect(
            link_deleted, sender=link_model, dispatch_uid=f"{uid}.{link_model}.delete"
        )
    for named in (Tag, Country, CooperationArea):
        post_save.connect(name_saved, sender=named, dispatch_uid=f"{uid}.{named}")
    pre_delete.connect(tag_deleting, sender=Tag, dispatch_uid=f"{uid}.tag_deleting")
    post_delete.connect(tag_deleted, sender=Tag, dispatch_uid=f"{uid}.tag_deleted")
    post_save.connect(library_image_saved, sender=Image, dispatch_uid="articles.library_image")
