from __future__ import annotations

import functools
import heapq
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from pathlib import PurePosixPath

import reversion
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router, transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Window
from django.db.models.functions import Greatest, Lower, RowNumber, TruncMonth
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision, Version
from taggit.managers import TaggableManager
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from articles.body import article_body_html, rendering_key, sanitised_body, sync_image_links
from articles.checklist import ChecklistError, ChecklistInput, checklist_problems
from articles.events import articles_changed, review_step
from articles.kicker import Kicker, automatic_kicker, country_mentions
from countries.models import CooperationArea, Country, places
from media_library.models import Image
from summit import images
from summit.addresses import reverse_one, reverse_slug
from summit.cache import ContentState, KeptForContent, content_state
from summit.dates import format_local
from summit.statements import Statement

WORDS_PER_MINUTE = 220
# The usual estimate for adult readers of Japanese (kanji and kana together).
JAPANESE_CHARACTERS_PER_MINUTE = 500


def reading_length(text: str, language: str) -> int:
    """How much there is to read: words, or characters in Japanese (no spaces between words)."""
    if language == Article.Language.JAPANESE:
        return sum(not char.isspace() for char in text)
    return len(text.split())


def minutes_to_read(text: str, language: str) -> int:
    """Reading time of `text` in whole minutes, at least one; the article page and the
    editor's live count both use it."""
    if language == Article.Language.JAPANESE:
        per_minute = JAPANESE_CHARACTERS_PER_MINUTE
    else:
        per_minute = WORDS_PER_MINUTE
    return max(1, math.ceil(reading_length(text, language) / per_minute))


def current_language() -> str:
    """The language of the page being served: one of the article languages (en, ja, ru)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in Article.Language.values else settings.LANGUAGE_CODE


# The credit of an article with neither a byline nor an author account.
STAFF_BYLINE = gettext_noop("Summit staff")


def published_condition(prefix: str = "", now: datetime | None = None) -> Q:
    """The one definition of "public": published status and a publish time that has come.

    `prefix` lets related querysets reuse the rule, e.g. `published_condition("articles__")`
    inside a `Count(..., filter=...)`. Scheduled articles go live by themselves because the
    rule is evaluated at query time (`now`, by default the time the query is built).
    """
    return Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}publish_at__lte": now or timezone.now(),
        }
    )


def last_modified_expression(prefix: str = "") -> Greatest:
    """`Article.last_modified` in SQL: its last save, or its publish time if that is later.

    A scheduled article is written before it goes live and changes no earlier than that.
    `prefix` reads it through a relation, e.g. `Max(last_modified_expression("articles__"))`.
    """
    return Greatest(f"{prefix}updated_at", f"{prefix}publish_at")


# Related articles: what a shared link weighs, and how many of the newest articles on each of
# an article's links are considered. Few per country, which nearly every article shares.
RELATED_WEIGHTS = {"tag": 3, "area": 2, "country": 1}
RELATED_CANDIDATES = {"tag": 100, "area": 50, "country": 20}

# Article slugs that would be shadowed by other pages under /articles/.
RESERVED_ARTICLE_SLUGS = frozenset({"feed"})


def unique_slug(model: type[models.Model], text: str, *, exclude_pk: int | None = None) -> str:
    """A Unicode-safe slug for `text`, suffixed with -2, -3… until no other row uses it."""
    max_length = model._meta.get_field("slug").max_length - 6
    base = slugify(text, allow_unicode=True)[:max_length].strip("-") or "untitled"
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if model is Article:
        taken |= RESERVED_ARTICLE_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class TagQuerySet(models.QuerySet):
    def public(self) -> TagQuerySet:
        """Tags that at least one published article carries.

        Every reader-facing way to name a tag (its page, its feed, a `?tag=` facet) looks tags
        up here, so a tag that only drafts or scheduled articles carry stays unknown.
        """
        return self.filter(
            Exists(
                TaggedArticle.objects.filter(
                    tag=OuterRef("pk"), content_object__in=Article.objects.published()
                )
            )
        )

    def in_use(self) -> TagQuerySet:
        """Tags on at least one published article, each annotated with `article_count`."""
        return self.annotate(
            article_count=Count(
                "tagged_articles",
                filter=published_condition("tagged_articles__content_object__"),
            )
        ).filter(article_count__gt=0)


class Tag(TagBase):
    """A taggit tag whose slug keeps non-Latin letters (防災, энергетика)."""

    objects = NaturalKeyManager.from_queryset(TagQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="articles_tag_name_case_insensitive_unique")
        ]

    def slugify(self, tag: str, i: int | None = None) -> str:
        slug = slugify(tag, allow_unicode=True) or "tag"
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self) -> str:
        return reverse_slug("articles:tag", self.slug)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")
        ]
        # A tag's articles, newest ids first, from the index alone (tag pages, related articles).
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_tag_article_idx")]


# What `Article.author_name` reads besides the byline; select it with the article.
CREDIT_RELATIONS = ("author__author_profile",)
# The text fields `Article.country_mentions` is read from.
TEXT_FIELDS = frozenset({"title", "dek", "body"})
# Derived from the body on every save, so kept out of History: a restore renders it again.
UNVERSIONED_FIELDS = ("body_rendered", "body_rendered_for")


# The editorial write path.
#
# Like Wagtail's `RevisionMixin.save_revision()`, one method on the model does what every
# editorial write needs: lock the row, refuse a stale form, raise the version, save, record a
# revision (tags, countries and areas included) and announce the change once it is committed.
# `Article.save_revision()` writes one article, `ArticleQuerySet.revise()` many at once; the
# admin, list actions, restores, tag merges and deletes, imports and demo commands call them.

Editor = AbstractBaseUser | AnonymousUser | None

# A revision and the row's updated_at this close together describe the same save.
SAME_CHANGE = timedelta(minutes=1)


class ReviewStepRefused(ValueError):
    """A review step the article's state does not allow (submitting what is not a draft,
    returning a draft, returning without a note); the message says why, for the editor."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


def _step_comment(step: str, note: str, comment: str) -> str:
    """A review step as History lists it: the step, the note, then what else changed."""
    text = f"{step}: {note.strip()}" if note and note.strip() else step
    return f"{text}. {comment}" if comment else text


@dataclass(frozen=True)
class EditConflict(Exception):
    """Someone saved the article after the editor opened it."""

    current_version: int
    changed_by: str
    changed_at: datetime

    @property
    def message(self) -> str:
        return _(
            "%(editor)s changed this article on %(time)s while you were editing it, so your "
            "changes were not saved. Your text is still in the form: compare it with the saved "
            "version (open the article again in another tab, or see its history), merge what "
            "you want to keep, and save again."
        ) % {"editor": self.changed_by, "time": format_local(self.changed_at)}


def record_revision(objects: Iterable[models.Model], *, user: Editor, comment: str) -> None:
    """Save one revision holding `objects` as they are now, with what their registration follows.

    Inside another revision block (reversion's restore view) the objects join that block's
    revision instead, saved when it ends; a deletion must therefore be recorded outside one.
    """
    with reversion.create_revision(manage_manually=True):
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


# Uploaded images: a stored file is deleted once no article uses it, as its lead image or in
# its body (Markdown may embed an uploaded image by its address). History does not keep files:
# a restored revision or a recovered article whose image was deleted since comes back without
# it (`Article.drop_missing_lead_image`).

# Up to this many names, each is looked up on its own; beyond, every text is read once.
FEW_IMAGE_NAMES = 20
# What may stand around a file name in a body.
FILE_NAME_WORD = re.compile(r"[^\s\"'()<>\[\]/\\]+")


def images_in_use(names: Collection[str]) -> set[str]:
    """Those of `names` (storage names of images) that an article uses now.

    Used: an article's lead image, or the name anywhere in an article's body. Stored
    revisions do not count.
    """
    names = set(names)
    if len(names) > FEW_IMAGE_NAMES:
        return _images_named_in_bulk(names)
    used = set(Article.objects.filter(lead_image__in=names).values_list("lead_image", flat=True))
    return used | {
        name for name in names - used if Article.objects.filter(body__contains=name).exists()
    }


def _images_named_in_bulk(names: set[str]) -> set[str]:
    """`images_in_use` for many names (`remove_orphan_media`): every text is read once."""
    by_file_name: defaultdict[str, set[str]] = defaultdict(set)
    for name in names:
        by_file_name[PurePosixPath(name).name].add(name)
    texts = chain(
        Article.objects.exclude(lead_image="").values_list("lead_image", flat=True).iterator(),
        Article.objects.exclude(body="").values_list("body", flat=True).iterator(),
    )
    used: set[str] = set()
    for text in texts:
        for file_name in by_file_name.keys() & set(FILE_NAME_WORD.findall(text)):
            used |= {name for name in by_file_name[file_name] if name in text}
    return used


def _delete_images_when_unused(released: Iterable[str]) -> None:
    """Once the transaction commits, delete the `released` images (ones that articles let
    go of) that no article uses any more, with their renditions.

    After the commit, so a rolled-back write deletes nothing, and robust, so a storage error
    cannot turn a write that is already saved into an error page.
    """
    names = set(released) - {""}
    if not names:
        return
    storage = Article._meta.get_field("lead_image").storage

    def delete_unused() -> None:
        for name in names - images_in_use(names):
            images.delete_image(storage, name)

    transaction.on_commit(delete_unused, robust=True)


def _announce(article_ids: Iterable[int]) -> None:
    ids = frozenset(article_ids)
    if ids:
        transaction.on_commit(
            lambda: articles_changed.send(sender=Article, article_ids=ids), robust=True
        )


def _serialized(objects: list[models.Model]) -> list[str]:
    """Each of `objects` (one model) as django-reversion stores it: registered as "json" with
    every local field but `UNVERSIONED_FIELDS`, i.e. `serializers.serialize("json", [obj],
    fields=…)`, byte for byte.

    One pass of the serialiser for all of them, then one `json.dumps` each: about twice as
    fast as serialising them one by one, which matters at 100,000 articles.
    """
    if not objects:
        return []
    opts = objects[0]._meta.concrete_model._meta
    fields = [
        field.name
        for field in opts.local_fields + opts.local_many_to_many
        if field.name not in UNVERSIONED_FIELDS
    ]
    return [
        f"[{json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)}]"
        for data in serializers.serialize("python", objects, fields=fields)
    ]


class ArticleQuerySet(models.QuerySet):
    def published(self, now: datetime | None = None) -> ArticleQuerySet:
        return self.filter(published_condition(now=now))

    def scheduled(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())

    def in_language(self, language: str | None = None) -> ArticleQuerySet:
        """Articles written in `language`, by default the one the current page is in: every
        public list, feed, sitemap and search shows its own language's articles only."""
        return self.filter(language=language or current_language())

    def in_story(self, article: Article) -> ArticleQuerySet:
        """The article, its original and every translation of that original."""
        story = article.story_id
        return self.filter(Q(pk=story) | Q(translation_of_id=story))

    def latest_modification(self) -> datetime | None:
        """The latest `last_modified` of these articles, in one query; None when there are none."""
        return self.aggregate(latest=Max(last_modified_expression()))["latest"]

    def monthly_counts(self) -> dict[tuple[int, int], int]:
        """Number of articles per (year, month) of their publish time, in one query."""
        rows = (
            self.order_by()
            .annotate(month=TruncMonth("publish_at"))
            .values("month")
            .annotate(count=Count("pk"))
        )
        return {(row["month"].year, row["month"].month): row["count"] for row in rows}

    def tagged_with_all(self, tags: list[Tag]) -> ArticleQuerySet:
        queryset = self
        for tag in tags:
            queryset = queryset.filter(
                pk__in=TaggedArticle.objects.filter(tag=tag).values("content_object_id")
            )
        return queryset

    def score_related(self, article: Article, limit: int = 4) -> list[Article]:
        """The `limit` articles of this queryset sharing the most with `article`, scored now,
        each given `score` and `shared`.

        A shared tag weighs 3, a shared area 2 and a shared country 1 (`RELATED_WEIGHTS`);
        `shared` is how many tags, areas and countries are shared; ties go to the newest.
        Nearly every article shares a country, so candidates are bounded: the newest few
        articles on each of `article`'s links (`RELATED_CANDIDATES`), read from the link
        tables' indexes. Only those are scored, from their link rows, so the work grows with
        `article`'s own links, never with the collection. Two queries: the scores (one
        statement, cheap to build) and the winners' rows through this queryset, so its
        `select_related` and `prefetch_related` apply. Reads `article`'s own tags, countries
        and areas from `attach_links()` or its prefetch cache when present.
        """
        ranked = self.related_scores(article, limit)
        found = self.filter(pk__in=[pk for pk, _, _ in ranked]).in_bulk()
        related = []
        for pk, score, shared in ranked:
            if pk in found:
                found[pk].score, found[pk].shared = score, shared
                related.append(found[pk])
        return related

    def related_scores(self, article: Article, limit: int) -> list[tuple[int, int, int]]:
        """(id, score, shared) of the `limit` best of this queryset for `article`, best first:
        the one statement behind `score_related()`."""
        sql, params = self._related_sql(article, limit)
        if not sql:
            return []
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]

    def _related_sql(self, article: Article, limit: int) -> tuple[str, list]:
        connection = connections[self.db]
        qn = connection.ops.quote_name
        attached = "tag_list" in vars(article)  # by attach_links(), so current
        linked = {
            "tag": article.tag_list if attached else article.tags.all(),
            "area": article.area_list if attached else article.cooperation_areas.all(),
            "country": article.country_list if attached else article.countries.all(),
        }
        articles = qn(Article._meta.db_table)
        newest, newest_params, scored, scored_params = [], [], [], []
        for kind, (model, target, source) in LINK_TABLES.items():
            ids = [obj.pk for obj in linked[kind]]
            if not ids:
                continue
            table = qn(model._meta.db_table)
            target_column = qn(model._meta.get_field(target).column)
            article_column = qn(model._meta.get_field(source).column)
            for pk in ids:
                # Each part keeps its own ORDER BY and LIMIT, which SQLite allows only inside
                # a subquery.
                # Candidates in the article's language: a translation's readers read that.
                newest.append(
                    f"SELECT * FROM (SELECT {article_column} AS id FROM {table} "
                    f"JOIN {articles} ON {articles}.id = {article_column} "
                    f"WHERE {target_column} = %s AND {articles}.language = %s "
                    f"ORDER BY {article_column} DESC LIMIT %s) AS newest_{len(newest)}"
                )
                newest_params += [pk, article.language, RELATED_CANDIDATES[kind]]
            scored.append(
                f"SELECT {article_column} AS article_id, %s AS weight FROM {table} "
                f"WHERE {target_column} IN ({', '.join(['%s'] * len(ids))}) "
                f"AND {article_column} IN (SELECT id FROM candidates)"
            )
            scored_params += [RELATED_WEIGHTS[kind], *ids]
        if not newest:
            return "", []
        visible, visible_params = (
            self.order_by().values("pk").query.get_compiler(connection=connection).as_sql()
        )
        sql = (
            f"WITH candidates AS ({' UNION '.join(newest)}), "
            "scores AS (SELECT article_id, SUM(weight) AS score, COUNT(*) AS shared "
            f"FROM ({' UNION ALL '.join(scored)}) AS links GROUP BY article_id) "
            "SELECT scores.article_id, scores.score, scores.shared FROM scores "
            f"JOIN {articles} ON {articles}.id = scores.article_id "
            f"WHERE scores.article_id <> %s AND scores.article_id IN ({visible}) "
            f"ORDER BY scores.score DESC, {articles}.publish_at DESC, {articles}.id DESC "
            "LIMIT %s"
        )
        return sql, [
            *newest_params,
            *scored_params,
            article.pk,
            *visible_params,
            limit,
        ]

    def revise(
        self,
        *,
        user: Editor,
        comment: str,
        before_comment: str = "Before a change to several articles",
        set_related: Callable[[], None] | None = None,
        **changes,
    ) -> int:
        """Change these articles at once, as an editorial write; the number changed.

        The bulk twin of `Article.save_revision()`, for list actions, tag merges and tag
        deletes: in one transaction it locks the rows, records a revision (`before_comment`)
        of those without history so the change can be undone, runs `set_related` (moving tag
        links, say), applies `changes` while raising every version (so any form open on them
        is stale) and `updated_at`, records a revision of each, and sends `articles_changed`
        once after the commit.
        """
        ids = sorted(set(self.values_list("pk", flat=True)))
        if not ids:
            return 0
        with transaction.atomic():
            rows = Article.objects.filter(pk__in=ids)
            # Locked in one order, so two bulk writes never wait on each other in a circle.
            ids = list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
            baseline = without_history(rows)
            if baseline:
                record_revision(baseline, user=user, comment=before_comment)
            if set_related is not None:
                set_related()
            count = rows.update(version=F("version") + 1, updated_at=timezone.now(), **changes)
            # update() sends no signal: the counts follow a status change here.
            LinkTally.objects.sync(ids)
            RelatedArticle.objects.refresh(ids)
            record_revision(rows.all(), user=user, comment=comment)
            _announce(ids)
        return count

    def delete_with_history(self, *, user: Editor, comment: str = "Deleted") -> int:
        """Delete these articles as an editorial write; the number deleted.

        Each is recorded as a revision first, which is what "Recover deleted articles"
        restores, and `articles_changed` names them once the deletion commits, so whatever
        shows them (caches, indexes) drops them too.
        """
        ids = self.values("pk")
        with transaction.atomic():
            # A fresh queryset: the caller's may join or group (the admin's list does), and
            # FOR UPDATE allows neither.
            articles = list(Article.objects.filter(pk__in=ids).select_for_update().order_by("pk"))
            if not articles:
                return 0
            record_revision(articles, user=user, comment=comment)
            RelatedArticle.objects.refresh([article.pk for article in articles], deleting=True)
            Article.objects.filter(pk__in=[article.pk for article in articles]).delete()
            _announce(article.pk for article in articles)
            # The revision just recorded does not keep them: "Recover" brings an article
            # back without an image deleted since (`Article.drop_missing_lead_image`).
            _delete_images_when_unused(article.lead_image.name for article in articles)
        return len(articles)

    def record_initial_revisions(self, *, user: Editor = None, comment: str) -> int:
        """Give each of these articles its first revision, in a handful of bulk inserts.

        For articles created in bulk (`generate_content`): each gets a revision of its own,
        holding what `save_revision()` would have recorded (the article, its tag, country and
        area links, its tags), serialised as django-reversion serialises them, so History can
        compare and restore it. One revision per article, not per batch: restoring a shared
        revision would roll back every article in it. Sends `articles_changed` after commit.
        Their related articles are not chosen here: a bulk creator chooses for all at its end
        (`RelatedArticle.objects.rebuild()`); until then their pages score live.
        """
        articles = {article.pk: article for article in self}
        if not articles:
            return 0
        tag_links = list(
            TaggedArticle.objects.filter(content_object__in=articles).select_related("tag")
        )
        country_links = list(
            ArticleCountry.objects.filter(article__in=articles).select_related("country")
        )
        area_links = list(ArticleArea.objects.filter(article__in=articles).select_related("area"))
        tags = list({link.tag_id: link.tag for link in tag_links}.values())
        # What each article's revision holds besides the article, as reversion follows it.
        held: dict[int, list[models.Model]] = {pk: [] for pk in articles}
        for link in tag_links:
            link.content_object = articles[link.content_object_id]  # for its object_repr
            held[link.content_object_id] += [link, link.tag]
        for link in [*country_links, *area_links]:
            link.article = articles[link.article_id]
            held[link.article_id].append(link)
        serialized = {
            (type(obj), obj.pk): data
            for group in (list(articles.values()), tag_links, country_links, area_links, tags)
            for obj, data in zip(group, _serialized(group), strict=True)
        }
        db = router.db_for_write(Article)
        content_types = ContentType.objects.get_for_models(
            Article, TaggedArticle, ArticleCountry, ArticleArea, Tag
        )
        now = timezone.now()
        user = user if user is not None and user.is_authenticated else None
        with transaction.atomic():
            revisions = Revision.objects.bulk_create(
                Revision(date_created=now, user=user, comment=comment) for _ in articles
            )
            Version.objects.bulk_create(
                Version(
                    revision=revision,
                    object_id=str(obj.pk),
                    content_type=content_types[type(obj)],
                    db=db,
                    format="json",
                    serialized_data=serialized[type(obj), obj.pk],
                    object_repr=str(obj),
                )
                for revision, (pk, article) in zip(revisions, articles.items(), strict=True)
                for obj in [article, *held[pk]]
            )
            _announce(articles)
        return len(articles)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    class Language(models.TextChoices):
        # The codes of settings.LANGUAGES: an article's language is the one its page is in.
        ENGLISH = "en", _("English")
        JAPANESE = "ja", _("Japanese")
        RUSSIAN = "ru", _("Russian")

    title = models.CharField(max_length=200)
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("The language the article is written in; its page and lists are in it too."),
    )
    # A story in several languages is an original and its translations, each a full article
    # published on its own; countries and areas are the story's, tags each article's own.
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
        limit_choices_to={"translation_of__isnull": True},
        help_text=_("The original article, when this one is its translation."),
    )
    slug = models.SlugField(
        max_length=220,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("Used in the page address. Filled from the title when left empty."),
    )
    dek = models.CharField(
        _("standfirst"),
        max_length=400,
        blank=True,
        help_text=_("One or two sentences under the headline, also used on cards and in feeds."),
    )
    body = models.TextField(blank=True, help_text=_("Markdown. HTML is sanitised before display."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_("A published article with a future date stays hidden until then."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("The editor who created the article."),
    )
    byline = models.CharField(
        max_length=150,
        blank=True,
        help_text=_("Name shown to readers; defaults to the author's name."),
    )
    featured = models.BooleanField(
        default=False, help_text=_("Lead story candidate on the home page.")
    )
    countries = models.ManyToManyField(
        Country, through="ArticleCountry", related_name="articles", blank=True
    )
    cooperation_areas = models.ManyToManyField(
        CooperationArea,
        through="ArticleArea",
        related_name="articles",
        blank=True,
        verbose_name=_("cooperation areas"),
    )
    tags = TaggableManager(through=TaggedArticle, blank=True, related_name="articles")
    # SET_NULL, not PROTECT: a country or area an article links to is already protected
    # by ArticleCountry/ArticleArea; losing a stale choice only brings back Summit's own.
    primary_country = models.ForeignKey(
        Country,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Shown above the headline on cards; leave empty to let Summit choose. "
            "Must be one of the article's countries."
        ),
    )
    primary_area = models.ForeignKey(
        CooperationArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary cooperation area"),
        help_text=_(
            "Shown above the headline on cards instead of a country; leave empty to let "
            "Summit choose. Must be one of the article's cooperation areas."
        ),
    )
    country_mentions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="How often the text names each country (by id), read when it is saved.",
    )
    # The body as sanitised HTML, rendered when it is saved so that no page view runs the
    # Markdown pipeline, and the key it was rendered under (`articles.body.rendering_key`).
    body_rendered = models.TextField(default="", blank=True, editable=False)
    body_rendered_for = models.CharField(max_length=32, default="", blank=True, editable=False)
    lead_image = models.ImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="lead_image_width",
        height_field="lead_image_height",
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_alt = models.CharField(
        _("lead image description"),
        max_length=300,
        blank=True,
        help_text=_("Required with an image: what it shows, for readers who cannot see it."),
    )
    lead_image_credit = models.CharField(max_length=200, blank=True)
    # The focal point in percent of the width and height from the top-left corner: crops for
    # cards and social cards are cut around it (summit/images.py, `make_focal_crops`).
    lead_image_focal_x = models.PositiveSmallIntegerField(
        _("focal point across (%)"),
        default=images.FOCAL_CENTRE,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Where the subject of the picture is, from the left edge (0) to the right (100). "
            "Crops for cards and social media keep it in view."
        ),
    )
    lead_image_focal_y = models.PositiveSmallIntegerField(
        _("focal point down (%)"),
        default=images.FOCAL_CENTRE,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("From the top edge (0) to the bottom (100)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=(
            "Raised by every editorial save (save_revision, revise); detects concurrent edits."
        ),
    )
    share_link_generation = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Raised when an editor revokes the share links; older links answer 404.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="article_visibility_idx"),
            # Lists read published articles newest first: walking this index, a page (even
            # the deepest, `articles.pagination.MAX_PAGES`) reads only the rows it skips and shows.
            # Related articles of a translation: the newest of its language on each link,
            # read from the top of this index instead of filtering every article.
            models.Index(fields=["language", "id"], name="article_language_id_idx"),
            # The pages of a language's sitemap are id ranges: every 500th published id is
            # read from this (publish time included), once per content generation, without
            # reading the table or sorting (articles.sitemaps.page_starts).
            models.Index(
                fields=["language", "id", "publish_at"],
                condition=Q(status="published"),
                name="article_published_id_idx",
            ),
            # Each language's list is a range of it, however few articles a language has.
            models.Index(
                fields=["language", "-publish_at", "-id"],
                condition=Q(status="published"),
                name="article_published_newest_idx",
            ),
            models.Index(
                fields=["author", "-publish_at", "-id"],
                condition=Q(status="published"),
                name="article_author_newest_idx",
            ),
            # The admin's list (every status and language, newest first) reads its page from
            # the top of this rather than sorting every article (0.5 s at 100,000).
            models.Index(fields=["-publish_at", "-id"], name="article_newest_idx"),
            # The home page's lead: the newest featured article, found without walking past
            # every article that is not featured (all of them, on a site that features none).
            models.Index(
                fields=["language", "-publish_at", "-id"],
                condition=Q(status="published", featured=True),
                name="article_featured_newest_idx",
            ),
            # The latest change of a language's published articles (the sitemap index), read
            # from the top of this instead of taking the maximum over all of them.
            models.Index(
                F("language"),
                Greatest("updated_at", "publish_at").desc(),
                condition=Q(status="published"),
                name="article_last_modified_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(lead_image="") | ~Q(lead_image_alt=""),
                name="article_lead_image_has_alt",
            ),
            models.CheckConstraint(
                condition=Q(lead_image_focal_x__lte=100, lead_image_focal_y__lte=100),
                name="article_lead_image_focal_point_in_picture",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["en", "ja", "ru"]), name="article_language_valid"
            ),
            # One translation per language in a story.
            models.UniqueConstraint(
                fields=["translation_of", "language"], name="article_one_translation_per_language"
            ),
        ]
        permissions = [("publish_article", "Can publish and schedule articles")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(Article, self.title, exclude_pk=self.pk)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or TEXT_FIELDS & set(update_fields):
            # Read once here so that no page view runs recognition (see articles/kicker.py).
            self.country_mentions = country_mentions(f"{self.title}\n{self.dek}\n{self.body}")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "country_mentions"}
        if update_fields is None or "body" in update_fields:
            self.store_rendered_body()
            if update_fields is not None:
                kwargs["update_fields"] = {
                    *kwargs["update_fields"],
                    "body_rendered",
                    "body_rendered_for",
                }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        # In the article's own language, whatever the page linking to it is in.
        return reverse_slug("articles:detail", self.slug, language=self.language)

    def store_rendered_body(self) -> None:
        """Render the body into `body_rendered` unless what is there is already its own."""
        key = rendering_key(self.body)
        if self.body_rendered_for != key:
            self.body_rendered, self.body_rendered_for = sanitised_body(self.body), key

    @property
    def story_id(self) -> int | None:
        """The original's id: the same for an article and all its translations."""
        return self.translation_of_id or self.pk

    # The editorial write path (see "The editorial write path" above).

    def save_revision(
        self,
        *,
        user: Editor,
        comment: str = "",
        expected_version: int | None = None,
        set_related: Callable[[], None] | None = None,
    ) -> None:
        """Save the article as an editorial change, recorded in its history.

        In one transaction: lock the row and refuse with `EditConflict` when
        `expected_version` (the version the editor's form was opened at) is no longer the
        saved one; raise `version` past every number the article has had; save; run
        `set_related` to write its tags, countries and areas; record a revision of the
        article with them, by `user`, with `comment`. A new article is saved as version 1
        with its first revision. `articles_changed` is sent once the transaction commits.
        A lead image it lets go of is deleted then if no article uses it; one it keeps whose
        file is gone is dropped (`drop_missing_lead_image`).
        """
        with transaction.atomic():
            released: set[str] = set()
            if self._state.adding:
                self.version = 1
            else:
                stored = self.check_version(expected_version)
                # A restore from History rewrites the row, version included, before the
                # form is saved; the history remembers the number it replaced.
                recorded = self._latest_recorded_fields()
                self.version = max(stored, self.version, int(recorded.get("version") or 0)) + 1
                stored_image, stored_generation = (
                    Article.objects.filter(pk=self.pk)
                    .values_list("lead_image", "share_link_generation")
                    .get()
                )
                # Revoked share links stay revoked, whether this instance was loaded before
                # the revocation or a restore rewrote the row as it was.
                self.share_link_generation = max(
                    self.share_link_generation,
                    stored_generation,
                    int(recorded.get("share_link_generation") or 0),
                )
                if self.lead_image.name == stored_image:
                    # The image the row names, not a new upload: after a restore, maybe one
                    # deleted since.
                    self.drop_missing_lead_image()
                # Replaced or cleared. A restore has already rewritten the row: the image
                # the article had before it is the one its latest revision names.
                released = {stored_image, str(recorded.get("lead_image") or "")}
                released.discard(self.lead_image.name)
            self.save()
            if set_related is not None:
                set_related()
            sync_image_links(self)
            record_revision([self], user=user, comment=comment)
            shared = self._share_places_with_story(user=user)
            RelatedArticle.objects.refresh([self.pk, *shared])
            _announce([self.pk, *shared])
            _delete_images_when_unused(released)

    def _share_places_with_story(self, *, user: Editor) -> list[int]:
        """Give the original and every translation this article's countries and areas,
        which belong to the story; returns the ids of the articles that changed."""
        story = list(
            Article.objects.in_story(self)
            .exclude(pk=self.pk)
            .prefetch_related("countries", "cooperation_areas")
        )
        if not story:
            return []
        countries = {country.pk for country in self.countries.all()}
        areas = {area.pk for area in self.cooperation_areas.all()}
        changed = []
        for version in story:
            differs = False
            if {country.pk for country in version.countries.all()} != countries:
                version.countries.set(countries)
                differs = True
            if {area.pk for area in version.cooperation_areas.all()} != areas:
                version.cooperation_areas.set(areas)
                differs = True
            if differs:
                changed.append(version)
        if changed:
            # An editor with a translation's form open must reload before saving over this.
            Article.objects.filter(pk__in=[version.pk for version in changed]).update(
                version=F("version") + 1
            )
            record_revision(
                changed,
                user=user,
                comment=f"Countries and areas shared by the story, as saved on “{self}”",
            )
        return [version.pk for version in changed]

    # The review workflow: Draft → In review → Published (or scheduled), and back to Draft
    # with a note. Each step is one editorial write (`save_revision`) plus a `ReviewNote`, and
    # `review_step` is sent once it commits (the notifications listen). Who may take which
    # step is the admin's business (articles/workflow.py); the model keeps the order.

    def submit_for_review(
        self,
        *,
        user: Editor,
        note: str = "",
        comment: str = "",
        expected_version: int | None = None,
        set_related: Callable[[], None] | None = None,
    ) -> None:
        """Ask the editors to review this draft (a new article is saved as one first)."""
        with transaction.atomic():
            stored = self._stored_status()
            if stored not in (None, self.Status.DRAFT):
                raise ReviewStepRefused(
                    _("Only a draft can be submitted for review; “%(title)s” is %(state)s.")
                    % {"title": self, "state": self.Status(stored).label.lower()}
                )
            self.status = self.Status.REVIEW
            self.save_revision(
                user=user,
                comment=_step_comment("Submitted for review", note, comment),
                expected_version=expected_version,
                set_related=set_related,
            )
            self._record_review_step(ReviewNote.Kind.SUBMITTED, user=user, note=note)

    def return_to_draft(
        self,
        *,
        user: Editor,
        note: str,
        comment: str = "",
        expected_version: int | None = None,
        set_related: Callable[[], None] | None = None,
    ) -> None:
        """Send the article back to its author as a draft, with `note` saying what to change.

        From review, and from published or scheduled too (the article leaves the site): the
        author reads the note on the article's page in the admin and in their email.
        """
        note = (note or "").strip()
        if not note:
            raise ReviewStepRefused(
                _("Write a note for the author: what should change before it is published?")
            )
        with transaction.atomic():
            stored = self._stored_status()
            if stored not in (self.Status.REVIEW, self.Status.PUBLISHED):
                raise ReviewStepRefused(
                    _("“%(title)s” is already a draft; there is nothing to return.")
                    % {"title": self}
                )
            self.status = self.Status.DRAFT
            self.save_revision(
                user=user,
                comment=_step_comment("Returned to draft", note, comment),
                expected_version=expected_version,
                set_related=set_related,
            )
            self._record_review_step(ReviewNote.Kind.RETURNED, user=user, note=note)

    def publish(
        self,
        *,
        user: Editor,
        at: datetime | None = None,
        override_reason: str | None = None,
        comment: str = "",
        note: str = "",
        expected_version: int | None = None,
        set_related: Callable[[], None] | None = None,
        countries: Iterable[Country] | None = None,
        areas: Iterable[CooperationArea] | None = None,
    ) -> None:
        """Make the article public at `at` (now by default; a future time schedules it).

        `note` is for the author (their email says it), `comment` adds to the history entry.
        The pre-publish checklist (articles/checklist.py) must pass, or `override_reason`
        say why it goes out anyway: the reason and what was missing are recorded in the
        history and as a review note. Otherwise `ChecklistError` names what is missing and
        nothing is saved. `countries` and `areas` stand for the ones `set_related` is about
        to save (the admin form), which the checklist then reads instead of the saved ones.
        """
        reason = (override_reason or "").strip()
        with transaction.atomic():
            self._stored_status()  # locks the row: the checklist reads what is saved
            problems = checklist_problems(ChecklistInput.of(self, countries=countries, areas=areas))
            if problems and not reason:
                raise ChecklistError(problems)
            self.status = self.Status.PUBLISHED
            self.publish_at = at or timezone.now()
            scheduled = self.publish_at > timezone.now()
            done = f"Scheduled for {format_local(self.publish_at)}" if scheduled else "Published"
            if problems:
                done += f". Checklist overridden ({reason}); missing: {'; '.join(problems)}"
            self.save_revision(
                user=user,
                comment=_step_comment(done, note, comment),
                expected_version=expected_version,
                set_related=set_related,
            )
            if problems:
                self._record_review_step(ReviewNote.Kind.OVERRIDDEN, user=user, note=reason)
            kind = ReviewNote.Kind.SCHEDULED if scheduled else ReviewNote.Kind.PUBLISHED
            self._record_review_step(kind, user=user, note=note)

    def _stored_status(self) -> str | None:
        """The status as saved, the row locked until the transaction ends; None if new."""
        if self._state.adding or self.pk is None:
            return None
        stored = (
            Article.objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("status", flat=True)
            .first()
        )
        if stored is None:
            raise Article.DoesNotExist
        return stored

    def _record_review_step(self, kind: str, *, user: Editor, note: str = "") -> ReviewNote:
        """Write the step's note and announce it (`review_step`) once the write commits."""
        person = user if user is not None and user.is_authenticated else None
        step = ReviewNote.objects.create(article=self, kind=kind, note=note or "", user=person)
        article_id = self.pk
        transaction.on_commit(
            lambda: review_step.send(
                sender=Article, article_id=article_id, kind=kind, note=step.note, user=person
            ),
            robust=True,
        )
        return step

    def unpublish(self, *, user: Editor, comment: str = "") -> None:
        """Take the article off the site: it becomes a draft again."""
        self.status = self.Status.DRAFT
        self.save_revision(user=user, comment=comment or "Moved back to draft")

    def check_version(self, expected_version: int | None) -> int:
        """The saved version, locked for this transaction; EditConflict if it moved on.

        `expected_version` is the version the editor's form was opened at; `None` expects
        nothing (a script that means to overwrite). Must run inside the
        transaction that saves, so nobody can slip in between the check and the write; the
        admin form calls it while validating, so a conflict is shown as a form error.
        """
        assert transaction.get_connection().in_atomic_block, "check_version needs a transaction"
        current = (
            Article.objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("version", "updated_at")
            .first()
        )
        if current is None:
            raise Article.DoesNotExist
        version, updated_at = current
        if expected_version is None or expected_version == version:
            return version
        latest = (
            Version.objects.get_for_object_reference(Article, self.pk)
            .select_related("revision__user")
            .order_by("-pk")
            .first()
        )
        # A change made outside the write path (the shell) leaves no revision: name nobody.
        if latest and abs(latest.revision.date_created - updated_at) < SAME_CHANGE:
            editor = latest.revision.user
            changed_by = (
                (editor.get_full_name() or editor.get_username()) if editor else _("Someone")
            )
        else:
            changed_by = _("Someone")
        raise EditConflict(current_version=version, changed_by=changed_by, changed_at=updated_at)

    def drop_missing_lead_image(self) -> str:
        """Forget a lead image whose file is no longer stored; its name, or "" if none was.

        Revisions do not keep files (an image is deleted once no article uses it), so a
        restored revision or a recovered article may name an image that is gone. Its
        description, credit and focal point go with it: they described that picture. Not
        saved here; `save_revision` calls this, and the admin before its form reads the
        image, so that it can tell the editor.
        """
        name = self.lead_image.name
        if not name or self.lead_image.storage.exists(name):
            return ""
        self.lead_image = ""  # and its width and height
        self.lead_image_alt = self.lead_image_credit = ""
        self.lead_image_focal_x = self.lead_image_focal_y = images.FOCAL_CENTRE
        return name

    @property
    def social_image(self) -> dict | None:
        """What link previews show (`og:image`, JSON-LD): `url`, `width`, `height`.

        The 1200x630 crop around the focal point (`images.make_focal_crops`), or, for an
        image stored before crops existed, the image itself; None without an image. From
        the file name alone: no storage look-up while a page renders.
        """
        if not self.lead_image:
            return None
        url = images.og_image_url(self.lead_image, self.lead_image_focal_x, self.lead_image_focal_y)
        if url:
            width, height = images.OG_IMAGE_SIZE
            return {"url": url, "width": width, "height": height}
        return {
            "url": self.lead_image.url,
            "width": self.lead_image_width,
            "height": self.lead_image_height,
        }

    def _latest_recorded_fields(self) -> dict:
        latest = Version.objects.get_for_object_reference(Article, self.pk).order_by("-pk").first()
        return latest.field_dict if latest else {}

    def revoke_share_links(self, *, user: Editor) -> None:
        """Make every share link made so far for this article answer 404; new ones work.

        Share links are signed for `share_link_generation` (articles/preview.py), and only
        that column is written: the version and `updated_at` stay, so nobody's open form
        turns stale. The revision it records says who revoked and when, and carries the new
        number, below which `save_revision` never goes again.
        """
        with transaction.atomic():
            rows = Article.objects.filter(pk=self.pk)
            if not rows.update(share_link_generation=F("share_link_generation") + 1):
                raise Article.DoesNotExist
            current = rows.get()
            record_revision([current], user=user, comment="Revoked the share links")
        self.share_link_generation = current.share_link_generation

    def add_correction(
        self, *, user: Editor, kind: str, note: str, at: datetime | None = None
    ) -> Correction:
        """Append a dated correction or update note to this live article; returns it.

        Refused with `ValidationError` for an article readers cannot see yet (a note tells
        readers what changed since they read it), for an empty note, and for a date in the
        future or before publication. In one transaction: the note is stored, the version
        raised (an editor's open form is stale, as after any change) and `updated_at` set to
        now, so `last_modified` (JSON-LD, feeds, sitemaps) follows; a revision records it
        ("Correction added: …"), and `articles_changed` is sent once it commits, so cached
        pages and feeds show the note at once. The notes themselves are not in the article's
        revisions: restoring an older version keeps the public record of corrections.
        """
        note = note.strip()
        if kind not in Correction.Kind.values:
            raise ValidationError({"kind": _("Choose a correction or an update.")})
        if not note:
            raise ValidationError({"note": _("Write the note readers will see.")})
        now = timezone.now()
        at = at or now
        if at > now:
            raise ValidationError({"created_at": _("A note cannot be dated in the future.")})
        with transaction.atomic():
            rows = Article.objects.filter(pk=self.pk)
            state = rows.select_for_update().values_list("status", "publish_at", "version").first()
            if state is None:
                raise Article.DoesNotExist
            status, publish_at, stored_version = state
            if status != Article.Status.PUBLISHED or publish_at > now:
                raise ValidationError(
                    _(
                        "Only a published article takes corrections and updates: readers have "
                        "not seen this one yet, so change its text instead."
                    )
                )
            if at < publish_at:
                raise ValidationError(
                    {
                        "created_at": _("A note cannot be dated before publication (%(time)s).")
                        % {"time": format_local(publish_at)}
                    }
                )
            correction = Correction.objects.create(
                article_id=self.pk,
                kind=kind,
                note=note,
                created_at=at,
                author=user if user is not None and user.is_authenticated else None,
            )
            # As in save_revision: past every number the article has had, restores included.
            recorded = int(self._latest_recorded_fields().get("version") or 0)
            rows.update(version=max(stored_version, recorded) + 1, updated_at=now)
            current = rows.get()
            label = "Update" if kind == Correction.Kind.UPDATE else "Correction"
            record_revision([current], user=user, comment=f"{label} added: {note}")
            _announce([self.pk])
        self.version, self.updated_at = current.version, current.updated_at
        return correction

    def clean(self) -> None:
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": _("Describe the image for readers who cannot see it.")}
            )
        if self.slug in RESERVED_ARTICLE_SLUGS:
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is taken by another page; choose another slug.")
                    % {"slug": self.slug}
                }
            )
        if self.primary_country_id and self.primary_area_id:
            raise ValidationError(
                {"primary_area": _("Choose a primary country or a primary area, not both.")}
            )
        self.check_translation()

    def check_translation(self) -> None:
        """A translation points at an original in another language, and is its only one in
        its own language (the database refuses a second one; this says so in words)."""
        original = self.translation_of
        if original is None:
            if self.pk and self.translations.filter(language=self.language).exists():
                language = self.get_language_display()
                raise ValidationError(
                    {
                        "language": _("A translation of this article is already in %(language)s.")
                        % {"language": language}
                    }
                )
            return
        if self.pk and original.pk == self.pk:
            raise ValidationError({"translation_of": _("An article cannot translate itself.")})
        if original.translation_of_id is not None:
            raise ValidationError(
                {"translation_of": _("Choose the original article, not another translation.")}
            )
        if self.pk and self.translations.exists():
            raise ValidationError(
                {"translation_of": _("This article has translations, so it is an original.")}
            )
        if original.language == self.language:
            raise ValidationError(
                {
                    "language": _("The original is already in %(language)s.")
                    % {"language": original.get_language_display()}
                }
            )
        taken = Article.objects.filter(translation_of=original, language=self.language)
        if taken.exclude(pk=self.pk).exists():
            language = self.get_language_display()
            raise ValidationError(
                {
                    "language": _("“%(title)s” already has a %(language)s version.")
                    % {"title": original, "language": language}
                }
            )

    @staticmethod
    def check_kicker_choice(
        primary_country: Country | None,
        primary_area: CooperationArea | None,
        countries: Iterable[Country],
        areas: Iterable[CooperationArea],
    ) -> None:
        """Refuse a primary country or area that is not among the article's `countries`/`areas`.

        Not part of `clean()`: the admin saves the countries and areas after the article,
        so its form calls this with the values the editor submitted.
        """
        errors = {}
        if primary_country is not None and primary_country not in countries:
            errors["primary_country"] = _(
                "Add %(country)s to the article's countries, or choose another."
            ) % {"country": primary_country}
        if primary_area is not None and primary_area not in areas:
            errors["primary_area"] = _(
                "Add %(area)s to the article's cooperation areas, or choose another."
            ) % {"area": primary_area}
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    @property
    def author_name(self) -> str:
        """The credit readers see: the byline, else the author's name, else the newsroom's.

        Cards, the article page, feeds and JSON-LD all read it, so they cannot disagree.
        Free per card after `cards()` or `attach_links()` (the process's copy of the account),
        or when the account was selected with the article (`CREDIT_RELATIONS`).
        """
        if self.byline:
            return self.byline
        if self.author_id:
            return AuthorProfile.name_of(self.author)
        return gettext(STAFF_BYLINE)

    @property
    def author_url(self) -> str:
        """The author's page when the article has an author account, else ""."""
        return AuthorProfile.url_of(self.author) if self.author_id else ""

    @property
    def last_modified(self) -> datetime:
        """When readers last saw it change; see `last_modified_expression` for the SQL twin."""
        return max(self.updated_at, self.publish_at)

    @property
    def kicker(self) -> Kicker | None:
        """The label above the headline, with its link: the editor's choice, else Summit's.

        Free per card after `cards()` or `attach_links()`: the primary country and area are
        the process's copies, the countries are attached, and the text was read on save.
        """
        if self.primary_area_id:
            return Kicker.of(self.primary_area)
        if self.primary_country_id:
            return Kicker.of(self.primary_country)
        return automatic_kicker(self.country_list, self.country_mentions)

    # The article's links as lists, for templates, the kicker and JSON-LD. `attach_links()`
    # fills all three for a page's articles in one query; otherwise they are read from the
    # relations (their prefetch cache when there is one).
    @cached_property
    def country_list(self) -> list[Country]:
        return list(self.countries.all())

    @cached_property
    def area_list(self) -> list[CooperationArea]:
        return list(self.cooperation_areas.all())

    @cached_property
    def tag_list(self) -> list[Tag]:
        return sorted(self.tags.all(), key=tag_order)

    @property
    def reading_minutes(self) -> int:
        return minutes_to_read(self.body, self.language)

    @cached_property
    def body_html(self) -> SafeString:
        return article_body_html(self)


def tag_order(tag: Tag) -> str:
    return tag.name.casefold()


def attach_links(articles: Sequence[Article]) -> None:
    """Give `articles` their countries, areas and tags (`country_list`, `area_list`,
    `tag_list`), their primary country and area, and their author's account and profile (the
    credit), in one query for them all.

    Countries and areas are the process's copies (`countries.models.places()`), and so are
    the credited accounts (`credited_accounts()`): only the link rows and the tags' names are
    read. The article page used four queries and four joins for what this does in one (issue
    #12).
    """
    if not articles:
        return
    ids = [article.pk for article in articles]
    connection = connections[router.db_for_read(Article)]
    linked: dict[int, dict[str, list]] = {pk: {"country": [], "area": [], "tag": []} for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(*_links_sql(connection, ids))
        for article_id, kind, pk, name, slug in cursor.fetchall():
            if kind == "tag":
                pk = Tag.from_db(connection.alias, ["id", "name", "slug"], [pk, name, slug])
            linked[article_id][kind].append(pk)
    known = places()
    accounts = credited_accounts({article.author_id for article in articles} - {None})
    for article in articles:
        if (account := accounts.get(article.author_id)) is not None:
            article.author = account
        links = linked[article.pk]
        article.country_list = known.in_order(set(links["country"]), known.countries)
        article.area_list = known.in_order(set(links["area"]), known.areas)
        article.tag_list = sorted(links["tag"], key=tag_order)
        if (country := known.countries.get(article.primary_country_id)) is not None:
            article.primary_country = country
        if (area := known.areas.get(article.primary_area_id)) is not None:
            article.primary_area = area


def cards(articles: Iterable[Article]) -> list[Article]:
    """`articles` as a list, with everything else their cards show: kickers, credits,
    countries, areas and tags, in one query (`attach_links()`)."""
    articles = list(articles)
    attach_links(articles)
    return articles


# Past this many credited accounts or tags, a process forgets them all and reads them again.
KEPT_ACCOUNTS = 5_000
KEPT_TAGS = 20_000


def _read_accounts(ids: list[int]) -> dict[int, AbstractBaseUser]:
    user_model = Article.author.field.related_model
    # A credit never reads the password hash: it is not kept in every process.
    credited = user_model.objects.select_related("author_profile").defer("password")
    return {account.pk: account for account in credited.filter(pk__in=ids)}


_accounts = KeptForContent(_read_accounts, limit=KEPT_ACCOUNTS)
_tags = KeptForContent(lambda ids: Tag.objects.in_bulk(ids), limit=KEPT_TAGS)


def credited_accounts(ids: Collection[int]) -> dict[int, AbstractBaseUser]:
    """The accounts with these ids, each with its author profile (or the knowledge that it
    has none), kept per content generation in each process (`KeptForContent`).

    A card's credit (`Article.author_name`, `author_url`) reads the account and its profile.
    Selecting them with every list of articles joined two tables and some twenty columns
    into each statement, which cost more to build than to run (issue #12). Authors are few
    and any write to an account or a profile moves the content generation. The instances
    are shared by the process's threads: read, never change.
    """
    return _accounts.get_many(ids)


def known_tags(ids: Collection[int]) -> dict[int, Tag]:
    """The tags with these ids, kept per content generation in each process, as the
    accounts are: facets name the most used tags on every page that has them, and reading
    them cost a query built through the ORM each time. Shared instances: copy one before
    setting anything on it."""
    return _tags.get_many(ids)


def _links_sql(connection, ids: list[int]) -> tuple[str, list[int]]:
    # Plain SQL: the same union through the ORM took longer to build than to run.
    qn = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(ids))
    parts = []
    for kind, (model, target, source) in LINK_TABLES.items():
        table = qn(model._meta.db_table)
        article = f"{table}.{qn(model._meta.get_field(source).column)}"
        linked = f"{table}.{qn(model._meta.get_field(target).column)}"
        if kind == "tag":
            tags = qn(Tag._meta.db_table)
            parts.append(
                f"SELECT {article}, 'tag', {linked}, {tags}.{qn('name')}, {tags}.{qn('slug')} "
                f"FROM {table} JOIN {tags} ON {tags}.{qn('id')} = {linked} "
                f"WHERE {article} IN ({placeholders})"
            )
        else:
            parts.append(
                f"SELECT {article}, '{kind}', {linked}, NULL, NULL FROM {table} "
                f"WHERE {article} IN ({placeholders})"
            )
    return " UNION ALL ".join(parts), ids * len(parts)


class ArticleCountry(models.Model):
    """Link between an article and a country; a country in use cannot be deleted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    country = models.ForeignKey(Country, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "country"], name="unique_article_country")
        ]
        # A country's articles from the index alone (country pages, facets, related articles).
        indexes = [models.Index(fields=["country", "article"], name="article_country_idx")]
        verbose_name = "article country"
        verbose_name_plural = "article countries"

    def __str__(self) -> str:
        return f"{self.article} — {self.country}"


class ArticleArea(models.Model):
    """Link between an article and a cooperation area; an area in use cannot be deleted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    area = models.ForeignKey(CooperationArea, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "area"], name="unique_article_area")
        ]
        indexes = [models.Index(fields=["area", "article"], name="article_area_idx")]
        verbose_name = "article cooperation area"
        verbose_name_plural = "article cooperation areas"

    def __str__(self) -> str:
        return f"{self.article} — {self.area}"


# Related articles as chosen on write (`RelatedArticle`): how many each article keeps (more
# than a page shows, so some can be unpublished and the page still shows four), how many of
# its best-scored others are offered the written article in return, and how many a page shows.
RELATED_KEPT = 8
RELATED_OFFERED = 40
RELATED_SHOWN = 4
# A bulk write of more articles than this (a tag merge, a list action) forgets their choice
# rather than choosing again inside the request; their pages score live until they are next
# written or `manage.py rebuild_related` chooses for them.
RELATED_REFRESH_LIMIT = 200


# The link tables related articles are scored on: kind -> (model, target field, article field).
LINK_TABLES = {
    "tag": (TaggedArticle, "tag", "content_object"),
    "area": (ArticleArea, "area", "article"),
    "country": (ArticleCountry, "country", "article"),
}


def _links_of(article_ids: list[int], chunk: int = 5000) -> dict[int, frozenset]:
    """Each article's links as a set of (kind, id): ("tag", 7), ("country", 2)…"""
    links: dict[int, set] = {pk: set() for pk in article_ids}
    for start in range(0, len(article_ids), chunk):
        ids = article_ids[start : start + chunk]
        for kind, (model, target, source) in LINK_TABLES.items():
            rows = model.objects.filter(**{f"{source}__in": ids}).values_list(source, target)
            for article_id, target_id in rows:
                links[article_id].add((kind, target_id))
    return {pk: frozenset(found) for pk, found in links.items()}


class RelatedArticleManager(models.Manager):
    def refresh(
        self,
        article_ids: Iterable[int],
        *,
        bounded: bool = True,
        deleting: bool = False,
    ) -> None:
        """Choose again for these articles, inside the writer's transaction.

        What they chose and where they were chosen is forgotten. Each that is published,
        live or scheduled (the reading side hides a scheduled one until its time), keeps its
        `RELATED_KEPT` best and is offered to its `RELATED_OFFERED` best in return, which
        keep it if it beats what they hold: a story published today joins the lists of the
        older ones it is most related to. A list left with fewer than a page's worth is
        chosen again. `deleting`: the articles are about to be deleted, so nothing chooses
        them. The work grows with these articles' links and the lists they touch, never with
        the collection. `bounded`: more than `RELATED_REFRESH_LIMIT` articles are only
        forgotten (a request must not choose for thousands).
        """
        ids = sorted({pk for pk in article_ids if pk is not None})
        if not ids:
            return
        with transaction.atomic(using=self.db):
            chose_them = set(self.filter(related__in=ids).values_list("article_id", flat=True))
            self.filter(Q(article__in=ids) | Q(related__in=ids)).delete()
            if bounded and len(ids) > RELATED_REFRESH_LIMIT:
                return
            excluded = set(ids) if deleting else set()
            if not deleting:
                self._choose(ids, offer=True)
            left = chose_them - set(ids)
            kept = dict(
                self.filter(article__in=left)
                .values_list("article")
                .annotate(count=Count("pk"))
                .values_list("article", "count")
            )
            short = [pk for pk in left if kept.get(pk, 0) < RELATED_SHOWN]
            self.filter(article__in=short).delete()
            self._choose(short, offer=False, excluded=excluded)

    def rebuild(self, *, batch_size: int = 2000) -> int:
        """Choose for every published article (`manage.py rebuild_related`); the number of
        articles chosen for.

        The same choice `score_related()` makes, computed in memory rather than one scoring
        statement per article (5-10 ms each at 100,000 articles): an article's candidates are
        the newest few on each of its links, and those few lists are shared by every article
        on the link, so they are read once, with their articles' links, and each article is
        scored against its candidates' links. Every article is there to choose from, so none
        needs to be offered.
        """
        publish_times = dict(
            Article.objects.filter(status=Article.Status.PUBLISHED).values_list("pk", "publish_at")
        )
        languages = dict(Article.objects.values_list("pk", "language"))
        windows = self._newest_on_each_link()
        candidate_links = _links_of(sorted(set(chain.from_iterable(windows.values()))))
        ids = sorted(publish_times)
        self.all().delete()
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            rows = []
            for pk, links in _links_of(batch).items():
                candidates = set().union(
                    *(windows.get((kind, target, languages[pk]), ()) for kind, target in links)
                )
                ranked = []
                for candidate in candidates:
                    if candidate == pk or candidate not in publish_times:
                        continue
                    shared = links & candidate_links[candidate]
                    score = sum(RELATED_WEIGHTS[kind] for kind, _ in shared)
                    ranked.append((score, publish_times[candidate], candidate, len(shared)))
                rows += [
                    RelatedArticle(article_id=pk, related_id=related, score=score, shared=shared)
                    for score, _, related, shared in heapq.nlargest(RELATED_KEPT, ranked)
                ]
            with transaction.atomic(using=self.db):
                self.bulk_create(rows, batch_size=1000)
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            # The table was just refilled: without fresh statistics the planner takes one
            # article's handful of rows for thousands and reads them with parallel workers.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(self.model._meta.db_table)}")
        return len(ids)

    @staticmethod
    def _newest_on_each_link() -> dict[tuple[str, int, str], list[int]]:
        """The candidate lists of `score_related()`: per link and language, the ids of the
        newest `RELATED_CANDIDATES[kind]` articles on it, whatever their status. One query
        per kind of link."""
        windows = defaultdict(list)
        for kind, (model, target, source) in LINK_TABLES.items():
            language = f"{source}__language"
            newest = (
                model.objects.annotate(
                    rank=Window(
                        RowNumber(),
                        partition_by=[F(target), F(language)],
                        order_by=F(source).desc(),
                    )
                )
                .filter(rank__lte=RELATED_CANDIDATES[kind])
                .order_by(target, language, f"-{source}")
                .values_list(target, language, source)
            )
            for target_id, article_language, article_id in newest:
                windows[kind, target_id, article_language].append(article_id)
        return windows

    def _choose(self, ids: list[int], *, offer: bool, excluded: Collection[int] = ()) -> None:
        if not ids:
            return
        pool = Article.objects.filter(status=Article.Status.PUBLISHED).exclude(pk__in=excluded)
        sources = (
            Article.objects.filter(pk__in=ids, status=Article.Status.PUBLISHED)
            .only("pk", "language")
            .prefetch_related("tags", "countries", "cooperation_areas")
        )
        rows, offered_to = [], set()
        for article in sources:
            ranked = pool.related_scores(article, RELATED_OFFERED if offer else RELATED_KEPT)
            rows += [
                RelatedArticle(article_id=article.pk, related_id=pk, score=score, shared=shared)
                for pk, score, shared in ranked[:RELATED_KEPT]
            ]
            if offer:
                rows += [
                    RelatedArticle(article_id=pk, related_id=article.pk, score=score, shared=shared)
                    for pk, score, shared in ranked
                ]
                offered_to.update(pk for pk, _, _ in ranked)
        # Two articles of one write choose each other from both sides: one row is enough.
        self.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        if offer:
            self._trim(sorted(offered_to | set(ids)))

    def _trim(self, ids: list[int], batch_size: int = 500) -> None:
        """Keep each of these articles' `RELATED_KEPT` best (ties to the newest), as read."""
        for start in range(0, len(ids), batch_size):
            ranked = self.filter(article__in=ids[start : start + batch_size]).annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("article"),
                    order_by=[
                        F("score").desc(),
                        F("related__publish_at").desc(),
                        F("related").desc(),
                    ],
                )
            )
            beyond = list(ranked.filter(rank__gt=RELATED_KEPT).values_list("pk", flat=True))
            if beyond:
                self.filter(pk__in=beyond).delete()


class RelatedArticle(models.Model):
    """One of an article's related articles, chosen when either of them was last written.

    Chosen on write so that reading an article's page is one indexed query rather than a
    scoring statement (`related_articles()` reads it, `RelatedArticleManager`
    writes it, from the write path). `score` and `shared` are as `score_related()` gives them.
    """

    # No index of its own: the unique constraint's index leads with it.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_choices", db_index=False
    )
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="chosen_for")
    score = models.PositiveIntegerField()
    shared = models.PositiveIntegerField()

    objects = RelatedArticleManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="unique_related_article")
        ]
        # Forgetting where an article was chosen (the unique index serves its own choice).
        indexes = [models.Index(fields=["related"], name="related_article_related_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.related_id} ({self.score})"


@functools.cache
def _chosen_related(limit: int) -> Statement[Article]:
    """The statement behind `related_articles()`: the stored choice for an article, through
    the published articles in a language."""
    return Statement(
        lambda article_id, language, now: (
            Article.objects.published(now)
            .in_language(language)
            .filter(chosen_for__article=article_id)
            .annotate(score=F("chosen_for__score"), shared=F("chosen_for__shared"))
            .order_by("-score", "-publish_at", "-pk")[:limit]
        ),
        RelatedArticle._meta.get_field("article"),
        Article._meta.get_field("language"),
        Article._meta.get_field("publish_at"),
    )


def related_articles(
    article: Article, language: str | None = None, limit: int = RELATED_SHOWN
) -> list[Article]:
    """The `limit` published articles in `language` (by default the page's) most related to
    `article`, each given `score` and `shared` (see `ArticleQuerySet.score_related()`).

    Read from the choice stored when the articles were written (`RelatedArticle`): one
    indexed query, compiled once per process (`summit.statements`), through
    `Article.objects.published()`, so an article unpublished since drops out at once. An
    article with nothing stored (written before the choice was kept, or part of a bulk write
    too large to choose for) is scored as it is read.
    """
    language = language or current_language()
    chosen = _chosen_related(limit)(article.pk, language, timezone.now())
    if chosen or RelatedArticle.objects.filter(article=article).exists():
        return chosen
    attach_links([article])
    return Article.objects.published().in_language(language).score_related(article, limit)


class ArticleImage(models.Model):
    """A media-library image an article's body shows (`image:42`); kept in step with the body
    by the write path, so an image in use cannot be deleted (PROTECT)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="image_links")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="article_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="unique_article_image")
        ]
        verbose_name = _("article image")
        verbose_name_plural = _("article images")

    def __str__(self) -> str:
        return f"{self.article} — {self.image}"


class ReviewNote(models.Model):
    """One step of an article's review, with what the person taking it wrote.

    Submitted for review, returned to draft, published or scheduled, and a pre-publish
    checklist overridden: the contributor reads an editor's note here, and the review queue
    orders articles by when they were submitted.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned to draft")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        OVERRIDDEN = "overridden", _("Checklist overridden")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    note = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["article", "kind", "created_at"], name="review_note_idx")]
        verbose_name = _("review note")
        verbose_name_plural = _("review notes")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.article}"


class Correction(models.Model):
    """A dated correction or update note appended to a published article.

    Readers see the latest at the top of the article and all of them at its end; corrections
    are a public record, so they are not part of the article's revisions (restoring an older
    version keeps them).
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CORRECTION)
    note = models.TextField(_("note"))
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}: {self.article}"

    @property
    def heading(self) -> str:
        """What readers see before the note, dated in the page's language: "Updated 2 Dec
        2026" or "Correction 2 Dec 2026" (the article page and the feeds)."""
        day = date_format(timezone.localtime(self.created_at), "SHORT_DATE_FORMAT")
        if self.kind == self.Kind.UPDATE:
            return gettext("Updated %(date)s") % {"date": day}
        return gettext("Correction %(date)s") % {"date": day}


# History (django-reversion), registered with the models so that every writer, not only the
# admin, records the same revision. An article's revision follows its tag, country and area
# links, and the tags themselves, so a restore brings back even a tag merged or deleted since.
reversion.register(Tag)
reversion.register(TaggedArticle, follow=("tag",))
reversion.register(ArticleCountry)
reversion.register(ArticleArea)
reversion.register(
    Article,
    exclude=UNVERSIONED_FIELDS,
    follow=("tagged_items", "articlecountry_set", "articlearea_set"),
)


# The usernames an author page's address takes (Django's own username characters).
USERNAME_IN_ADDRESS = re.compile(r"[\w.@+-]{1,150}")


class AuthorProfile(models.Model):
    """What readers see about an author on their page; each author edits their own."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    display_name = models.CharField(
        max_length=150,
        blank=True,
        help_text=_("Name on your author page; your full name or username when empty."),
    )
    bio = models.TextField(
        max_length=600,
        blank=True,
        help_text=_("Two or three sentences about you for your author page. Plain text."),
    )

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("author profile")
        verbose_name_plural = _("author profiles")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.url_of(self.user)

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.get_username()

    @staticmethod
    def name_of(user: AbstractBaseUser) -> str:
        """The name readers know an account by: profile name, full name or username.

        Reads the profile from the cache when it was selected with the user (a missing
        profile is cached too), so lists that select it run no query per author.
        """
        profile = getattr(user, "author_profile", None)
        if profile is not None:
            return profile.name
        return user.get_full_name() or user.get_username()

    @staticmethod
    def url_of(user: AbstractBaseUser) -> str:
        """The account's author page; it answers 404 until they have something published."""
        return reverse_one(
            "articles:author", "username", user.get_username(), accepts=USERNAME_IN_ADDRESS
        )


class SearchDocument(models.Model):
    """An article's weighted full-text vector, searched on PostgreSQL.

    Title weighs most (A), then standfirst and tags (B), countries and areas (C), body (D).
    Built for the article's language: English stems, Russian roots, Japanese character
    bigrams (`articles.search_backends.postgres`). `articles.search` rebuilds it whenever the
    article or its taxonomy changes. The GIN index is created by the migration on PostgreSQL
    only; on SQLite this table stays empty and the FTS5 tables `articles_search` (English and
    Russian) and `articles_search_ja` (Japanese) play its part.

    Beside the vector it keeps copies of what a search filters, orders, ranks and counts by,
    so that one table answers a search without touching the articles: the article's
    language, status and publish time (the visibility rule, `published_condition()`, applies
    to these fields as it does to the article's), its vector without the body (`head`, small
    enough to stay in the row, which ranks), and the ids of its countries, areas and tags
    (facets and narrowing). `reindex()` writes them all; a trigger (migration 0020) copies
    language, status and publish time whenever an UPDATE of the article changes them,
    whichever code path it comes from.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    vector = SearchVectorField()
    head = SearchVectorField(null=True, editable=False)
    language = models.CharField(max_length=2, db_default="", editable=False)
    status = models.CharField(max_length=10, db_default="", editable=False)
    publish_at = models.DateTimeField(null=True, editable=False)
    # Null only until written: a default would stop SQLite (where the table stays empty) from
    # adding the columns.
    countries = ArrayField(models.BigIntegerField(), null=True, editable=False)
    areas = ArrayField(models.BigIntegerField(), null=True, editable=False)
    tags = ArrayField(models.BigIntegerField(), null=True, editable=False)

    def __str__(self) -> str:
        return f"Search document of article {self.article_id}"


# What a live article adds to the maintained counts of its language: one per country, area
# and tag it links to, one per (country, area), (country, tag), (area, tag) and (tag, other
# tag) pair, which the coverage matrix and the facets of a place or a tag read, and one per
# (country, area, tag), which the tag facets of a list narrowed to a country and an area read;
# and one for its publish month, alone and with each country and area (`month_key()`), which
# the archive and the charts of a country's or area's articles per month read.
# A key is (language, kind, first id, second id or 0, third id or 0): each language's pages
# count its own.
TallyKey = tuple[str, str, int, int, int]
TALLY_KINDS = (
    "total",
    "country",
    "area",
    "tag",
    "country-area",
    "country-tag",
    "area-tag",
    "tag-tag",
    "country-area-tag",
    "month",
    "country-month",
    "area-month",
)
# The PostgreSQL advisory lock that queues writers of the counts (any number unique to them).
TALLY_LOCK_KEY = 0x5A11_7A11


def month_key(moment: datetime) -> int:
    """`moment`'s month in the site's time zone as a number, 202611 for November 2026: what
    the monthly counts are kept by (after a change of TIME_ZONE, `manage.py rebuild_counts`
    counts again)."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    return local.year * 100 + local.month


def tally_keys(
    language: str,
    countries: list[int],
    areas: list[int],
    tags: list[int],
    month: int = 0,
    *,
    with_triples: bool = True,
) -> list[TallyKey]:
    """The keys an article in `language` with these links, published in `month`
    (`month_key()`; 0 counts no month), counts under; `with_triples=False` leaves out the
    (country, area, tag) ones, for a migration's state that has no `third`."""
    # Every live article counts once in its language's total: the length of the plain list.
    keys = [("total", 0, 0, 0)]
    keys += [("country", c, 0, 0) for c in countries]
    keys += [("area", a, 0, 0) for a in areas]
    keys += [("tag", t, 0, 0) for t in tags]
    keys += [("country-area", c, a, 0) for c in countries for a in areas]
    keys += [("country-tag", c, t, 0) for c in countries for t in tags]
    keys += [("area-tag", a, t, 0) for a in areas for t in tags]
    # Tags that go together, both ways round, for the facets of a tag's page.
    keys += [("tag-tag", t, other, 0) for t in tags for other in tags if other != t]
    if with_triples:
        keys += [("country-area-tag", c, a, t) for c in countries for a in areas for t in tags]
    if month:
        keys += [("month", month, 0, 0)]
        keys += [("country-month", c, month, 0) for c in countries]
        keys += [("area-month", a, month, 0) for a in areas]
    return [(language, kind, first, second, third) for kind, first, second, third in keys]


# The content state (the request's, `summit.cache.content_state()`) for which each database's
# due articles were last counted in this process (`LinkTallyManager.count_due()`).
_due_counted_for: dict[str, ContentState] = {}


class LinkTallyManager(models.Manager):
    # Migrations recount with it (`rebuild()`), on the models of their own state.
    use_in_migrations = True

    def sync(self, article_ids: Iterable[int]) -> None:
        """Bring the counts in step with these articles as the database holds them now.

        Each published article's keys are kept (`ArticleTally`), with whether they are in the
        counts: a live article's are, a scheduled one's wait until its time (`count_due()`).
        The counts move by the difference between what an article adds now and what it added
        when last counted, so the work grows with these articles' links, never with the
        collection. The keys carry the article's language, so an article moved to another
        language leaves one language's counts for the other's. Runs inside the writer's
        transaction, like the search index: the counts never disagree with committed rows.
        """
        ids = sorted({pk for pk in article_ids if pk is not None})
        if not ids:
            return
        with transaction.atomic(using=self.db):
            self._one_writer_at_a_time()
            articles = Article.objects.filter(pk__in=ids)
            # Two writers of one article count it one after the other, each in the language
            # the article has once the other is done.
            rows = articles.select_for_update().order_by("pk")
            languages, months = {}, {}
            for pk, language, publish_at in rows.values_list("pk", "language", "publish_at"):
                languages[pk] = language
                months[pk] = month_key(publish_at) if publish_at else 0
            live = set(articles.published().values_list("pk", flat=True))
            waiting = dict(articles.scheduled().values_list("pk", "publish_at"))
            counted = {
                tally.article_id: tally
                for tally in ArticleTally.objects.select_for_update().filter(article_id__in=ids)
            }
            links = self._links_of(sorted(live | set(waiting)))
            delta: dict[TallyKey, int] = defaultdict(int)
            replaced, created, retired = [], [], []
            for pk in ids:
                published = pk in live or pk in waiting
                keys = tally_keys(languages[pk], *links[pk], months[pk]) if published else []
                before = counted.get(pk)
                for key in before.keys if before and before.live else []:
                    delta[tuple(key)] -= 1
                for key in keys if pk in live else []:
                    delta[key] += 1
                if not keys:
                    if before:
                        retired.append(pk)
                elif before is None:
                    created.append(
                        ArticleTally(
                            article_id=pk,
                            keys=keys,
                            live=pk in live,
                            counts_from=waiting.get(pk),
                        )
                    )
                elif (
                    before.live != (pk in live)
                    or before.counts_from != waiting.get(pk)
                    or sorted(map(tuple, before.keys)) != sorted(keys)
                ):
                    before.keys, before.live = keys, pk in live
                    before.counts_from = waiting.get(pk)
                    replaced.append(before)
            self._move(delta)
            ArticleTally.objects.filter(article_id__in=retired).delete()
            ArticleTally.objects.bulk_update(replaced, ["keys", "live", "counts_from"])
            ArticleTally.objects.bulk_create(created)

    def count_due(self) -> None:
        """Count the scheduled articles whose time has come (nothing is saved when it does).

        Runs before the counts are read: one indexed lookup of the few waiting articles, once
        per request (per content state, `summit.cache.content_state()`, which a request reads
        once and a write in it reads again; outside a request, every time). A page reading
        three kinds of count after a write looked three times. The generation turns over at
        each scheduled time, so the counts read in one are never short of an article due
        before it began.
        """
        state = content_state()
        if _due_counted_for.get(self.db) is state:
            return
        due = ArticleTally.objects.filter(live=False, counts_from__lte=timezone.now())
        self.sync(list(due.values_list("article_id", flat=True)))
        # Only once it holds: counted inside a transaction that is rolled back, it is not.
        transaction.on_commit(
            functools.partial(_due_counted_for.__setitem__, self.db, state), using=self.db
        )

    def forget(self, article_ids: Iterable[int]) -> None:
        """Take these articles out of the counts (they are about to be deleted)."""
        with transaction.atomic(using=self.db):
            self._one_writer_at_a_time()
            counted = ArticleTally.objects.select_for_update().filter(article_id__in=article_ids)
            delta: dict[TallyKey, int] = defaultdict(int)
            for keys in counted.filter(live=True).values_list("keys", flat=True):
                for key in keys:
                    delta[tuple(key)] -= 1
            self._move(delta)
            counted.delete()

    def _one_writer_at_a_time(self) -> None:
        # A save moves the counts several times (the article, then each kind of link), each
        # locking rows that other saves share (a country's count): taken in different orders
        # by two editors, those locks would deadlock. One lock per transaction, taken before
        # any count is read, lets writers of counts queue instead. SQLite has one writer.
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TALLY_LOCK_KEY])

    def _move(self, delta: dict[TallyKey, int]) -> None:
        delta = {key: change for key, change in delta.items() if change}
        if not delta:
            return
        # One additive upsert per language and chunk (PostgreSQL and SQLite share the syntax):
        # a key seen for the first time starts at its change, a known one moves by it. The
        # language is given once per statement, so a chunk holds as many keys as SQLite's
        # parameter limit allows without it.
        moves: dict[str, list[tuple[str, int, int, int, int]]] = defaultdict(list)
        for (language, kind, first, second, third), change in delta.items():
            moves[language].append((kind, first, second, third, change))
        connection = connections[self.db]
        qn = connection.ops.quote_name
        table = qn(self.model._meta.db_table)
        key = ", ".join(qn(name) for name in ("language", "kind", "first", "second", "third"))
        limit = connection.features.max_query_params
        per_statement = (limit - 1) // 5 if limit else 1000
        with connection.cursor() as cursor:
            for language, rows in moves.items():
                for start in range(0, len(rows), per_statement):
                    chunk = rows[start : start + per_statement]
                    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
                    cursor.execute(
                        f"INSERT INTO {table} ({key}, {qn('count')}) "
                        "SELECT %s, column1, column2, column3, column4, column5 "
                        f"FROM (VALUES {values}) AS moved "
                        # SQLite parses ON CONFLICT after a SELECT only past a WHERE clause.
                        "WHERE true "
                        f"ON CONFLICT ({key}) DO UPDATE "
                        f"SET {qn('count')} = {table}.{qn('count')} + EXCLUDED.{qn('count')}",
                        [language, *(value for row in chunk for value in row)],
                    )

    def rebuild(self) -> int:
        """Count everything again from the link tables (a migration, bulk loads, repairs);
        returns how many live articles are counted.

        Reads the articles and their links through the registry of this manager's model, so
        a migration's historical `LinkTally` counts with the tables of the migration's state.
        A few queries per 5,000 articles, whatever their links.
        """
        article_tallies = self._model("ArticleTally")._default_manager.db_manager(self.db)
        articles = self._model("Article")._default_manager.db_manager(self.db)
        # Migrations before 0022 count on a state without the third id of a key.
        with_triples = any(field.name == "third" for field in self.model._meta.concrete_fields)
        with transaction.atomic(using=self.db):
            self._one_writer_at_a_time()
            article_tallies.all().delete()
            self.all().delete()
            # Published articles: live ones, and scheduled ones waiting for their time.
            published = articles.filter(status=Article.Status.PUBLISHED).annotate(
                is_live=published_condition()
            )
            languages, months, live, waiting = {}, {}, set(), {}
            rows = published.order_by().values_list("pk", "language", "publish_at", "is_live")
            for pk, language, publish_at, is_live in rows:
                languages[pk] = language
                months[pk] = month_key(publish_at)
                if is_live:
                    live.add(pk)
                else:
                    waiting[pk] = publish_at
            totals: dict[TallyKey, int] = defaultdict(int)
            ordered = sorted(languages)
            batch = 5000
            for start in range(0, len(ordered), batch):
                chunk = ordered[start : start + batch]
                links = self._links_of(chunk)
                counted = []
                for pk in chunk:
                    keys = tally_keys(
                        languages[pk], *links[pk], months[pk], with_triples=with_triples
                    )
                    if pk in live:
                        for key in keys:
                            totals[key] += 1
                    if keys:
                        counted.append(
                            article_tallies.model(
                                article_id=pk,
                                keys=keys,
                                live=pk in live,
                                counts_from=waiting.get(pk),
                            )
                        )
                article_tallies.bulk_create(counted, batch_size=1000)
            self.bulk_create(
                [
                    self.model(
                        language=language,
                        kind=kind,
                        first=first,
                        second=second,
                        count=n,
                        **({"third": third} if with_triples else {}),
                    )
                    for (language, kind, first, second, third), n in totals.items()
                ],
                batch_size=5000,
            )
        return len(live)

    def counts(
        self,
        kinds: Iterable[str],
        first: int | None = None,
        language: str | None = None,
        second: int | None = None,
    ) -> dict[str, dict]:
        """Published articles in `language` (by default the page's) per key of these kinds,
        and these first and second ids if given: {"country": {id: n}, "country-area": {(c, a):
        n}, "country-area-tag": {(c, a, t): n}, …}, exactly what
        `Article.objects.published().in_language(language)` holds."""
        self.count_due()
        counts: dict[str, dict] = defaultdict(dict)
        rows = self.filter(
            language=language or current_language(), kind__in=list(kinds), count__gt=0
        )
        if first is not None:
            rows = rows.filter(first=first)
        if second is not None:
            rows = rows.filter(second=second)
        for kind, *ids, count in rows.values_list("kind", "first", "second", "third", "count"):
            counts[kind][tuple(ids[: kind.count("-") + 1]) if "-" in kind else ids[0]] = count
        return counts

    def _model(self, name: str) -> type[models.Model]:
        # The live model, or in a migration the historical one of the same state.
        return self.model._meta.apps.get_model("articles", name)

    def _links_of(self, article_ids: list[int]) -> dict[int, tuple[list, list, list]]:
        """Each article's country, area and tag ids, in three queries."""
        links: dict[int, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
        if not article_ids:
            return links
        sources = (
            ("ArticleCountry", "article_id", "country_id"),
            ("ArticleArea", "article_id", "area_id"),
            ("TaggedArticle", "content_object_id", "tag_id"),
        )
        for position, (model, article_field, target_field) in enumerate(sources):
            rows = self._model(model)._default_manager.db_manager(self.db)
            rows = rows.filter(**{f"{article_field}__in": article_ids}).order_by()
            for pk, target in rows.values_list(article_field, target_field):
                links[pk][position].append(target)
        return links


class LinkTally(models.Model):
    """How many published articles in a language link to a country, area or tag, to a pair
    of them, or to a country, an area and a tag.

    Maintained by the write path and the model signals (`LinkTally.objects.sync`), so the
    home page, the taxonomy lists, the facets and the coverage matrix read a few hundred rows
    instead of grouping every link of every article after each change.
    """

    language = models.CharField(max_length=2, choices=Article.Language.choices)
    kind = models.CharField(max_length=16)
    first = models.BigIntegerField()
    second = models.BigIntegerField(default=0)
    third = models.BigIntegerField(default=0)
    count = models.IntegerField(default=0)

    objects = LinkTallyManager()

    class Meta:
        constraints = [
            # Also the index every read takes: one language's keys of a few kinds, or one
            # country's and area's tags.
            models.UniqueConstraint(
                fields=["language", "kind", "first", "second", "third"], name="link_tally_key"
            )
        ]

    def __str__(self) -> str:
        third = f"/{self.third}" if self.third else ""
        return f"{self.language} {self.kind} {self.first}/{self.second}{third}: {self.count}"


class ArticleTally(models.Model):
    """The keys a published article counts under in `LinkTally` (in its language), and
    whether they are in the counts yet (a scheduled article's wait for its time)."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    keys = models.JSONField(default=list)
    live = models.BooleanField(default=True)
    # A waiting article's publish time: when `count_due()` adds its keys.
    counts_from = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The few scheduled articles waiting to be counted, by when they are due.
            models.Index(
                fields=["counts_from"], condition=Q(live=False), name="article_tally_waiting"
            )
        ]

    def __str__(self) -> str:
        return f"Counted keys of article {self.article_id}"
