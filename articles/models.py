from __future__ import annotations

import math
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import NaturalKeyManager, TagBase, TaggedItemBase

from articles.kicker import Kicker, automatic_kicker, country_mentions
from articles.rendering import render_markdown
from countries.models import CooperationArea, Country

WORDS_PER_MINUTE = 220


def published_condition(prefix: str = "") -> Q:
    """The one definition of "public": published status and a publish time that has come.

    `prefix` lets related querysets reuse the rule, e.g. `published_condition("articles__")`
    inside a `Count(..., filter=...)`. Scheduled articles go live by themselves because the
    rule is evaluated at query time.
    """
    return Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}publish_at__lte": timezone.now(),
        }
    )


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
        return reverse("articles:tag", kwargs={"slug": self.slug})


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")
        ]


# What `Article.kicker` reads besides the prefetched countries; select them with the article.
KICKER_RELATIONS = ("primary_country", "primary_area")
# The text fields `Article.country_mentions` is read from.
TEXT_FIELDS = frozenset({"title", "dek", "body"})


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        return self.filter(published_condition())

    def scheduled(self) -> ArticleQuerySet:
        return self.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())

    def for_cards(self) -> ArticleQuerySet:
        """What a list of article cards shows, fetched without a query per card."""
        return self.select_related("author", *KICKER_RELATIONS).prefetch_related("countries")

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

    def related_to(self, article: Article, limit: int = 4) -> ArticleQuerySet:
        """Articles sharing the most tags, countries and areas with `article`, in one query.

        Reads the article's own tags, countries and areas from its prefetch cache when present.
        """
        tag_ids = [tag.pk for tag in article.tags.all()]
        country_ids = [country.pk for country in article.countries.all()]
        area_ids = [area.pk for area in article.cooperation_areas.all()]
        shares_something = (
            Q(pk__in=TaggedArticle.objects.filter(tag__in=tag_ids).values("content_object_id"))
            | Q(pk__in=ArticleCountry.objects.filter(country__in=country_ids).values("article_id"))
            | Q(pk__in=ArticleArea.objects.filter(area__in=area_ids).values("article_id"))
        )
        return (
            self.exclude(pk=article.pk)
            .filter(shares_something)
            .annotate(
                shared=Count("tagged_items", filter=Q(tagged_items__tag__in=tag_ids), distinct=True)
                + Count("countries", filter=Q(countries__in=country_ids), distinct=True)
                + Count(
                    "cooperation_areas", filter=Q(cooperation_areas__in=area_ids), distinct=True
                )
            )
            .order_by("-shared", "-publish_at", "-pk")[:limit]
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class LeadImageFocus(models.TextChoices):
        # The values are CSS `object-position` keywords, used as they are by the templates.
        CENTER = "center", "Centre"
        TOP = "top", "Top"
        BOTTOM = "bottom", "Bottom"
        LEFT = "left", "Left"
        RIGHT = "right", "Right"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=220,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="Used in the page address. Filled from the title when left empty.",
    )
    dek = models.CharField(
        "standfirst",
        max_length=400,
        blank=True,
        help_text="One or two sentences under the headline, also used on cards and in feeds.",
    )
    body = models.TextField(blank=True, help_text="Markdown. HTML is sanitised before display.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish at",
        default=timezone.now,
        help_text="A published article with a future date stays hidden until then.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="The editor who created the article.",
    )
    byline = models.CharField(
        max_length=150,
        blank=True,
        help_text="Name shown to readers; defaults to the author's name.",
    )
    featured = models.BooleanField(
        default=False, help_text="Lead story candidate on the home page."
    )
    countries = models.ManyToManyField(
        Country, through="ArticleCountry", related_name="articles", blank=True
    )
    cooperation_areas = models.ManyToManyField(
        CooperationArea,
        through="ArticleArea",
        related_name="articles",
        blank=True,
        verbose_name="cooperation areas",
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
        help_text=(
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
        verbose_name="primary cooperation area",
        help_text=(
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
    lead_image = models.ImageField(
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="lead_image_width",
        height_field="lead_image_height",
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    lead_image_alt = models.CharField(
        "lead image description",
        max_length=300,
        blank=True,
        help_text="Required with an image: what it shows, for readers who cannot see it.",
    )
    lead_image_credit = models.CharField(max_length=200, blank=True)
    lead_image_focus = models.CharField(
        "lead image focal point",
        max_length=10,
        choices=LeadImageFocus.choices,
        default=LeadImageFocus.CENTER,
        help_text="Which part of the picture to keep when it is cropped to fit.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised on every save; detects concurrent edits."
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"], name="article_visibility_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(lead_image="") | ~Q(lead_image_alt=""),
                name="article_lead_image_has_alt",
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
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.lead_image and not self.lead_image_alt.strip():
            raise ValidationError(
                {"lead_image_alt": "Describe the image for readers who cannot see it."}
            )
        if self.slug in RESERVED_ARTICLE_SLUGS:
            raise ValidationError(
                {"slug": f"“{self.slug}” is taken by another page; choose another slug."}
            )
        if self.primary_country_id and self.primary_area_id:
            raise ValidationError(
                {"primary_area": "Choose a primary country or a primary area, not both."}
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
            errors["primary_country"] = (
                f"Add {primary_country} to the article's countries, or choose another."
            )
        if primary_area is not None and primary_area not in areas:
            errors["primary_area"] = (
                f"Add {primary_area} to the article's cooperation areas, or choose another."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    @property
    def display_byline(self) -> str:
        if self.byline:
            return self.byline
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return "Summit staff"

    @property
    def kicker(self) -> Kicker | None:
        """The label above the headline, with its link: the editor's choice, else Summit's.

        Free per card when the article comes from `for_cards()`: the primary country and
        area are selected with it, its countries prefetched, and the text was read on save.
        """
        if self.primary_area_id:
            return Kicker.of(self.primary_area)
        if self.primary_country_id:
            return Kicker.of(self.primary_country)
        return automatic_kicker(list(self.countries.all()), self.country_mentions)

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(len(self.body.split()) / WORDS_PER_MINUTE))

    @cached_property
    def body_html(self) -> SafeString:
        return render_markdown(self.body)


class ArticleCountry(models.Model):
    """Link between an article and a country; a country in use cannot be deleted."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    country = models.ForeignKey(Country, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "country"], name="unique_article_country")
        ]
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
        verbose_name = "article cooperation area"
        verbose_name_plural = "article cooperation areas"

    def __str__(self) -> str:
        return f"{self.article} — {self.area}"


class AuthorProfile(models.Model):
    """What readers see about an author on their page; each author edits their own."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    display_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="Name on your author page; your full name or username when empty.",
    )
    bio = models.TextField(
        max_length=600,
        blank=True,
        help_text="Two or three sentences about you for your author page. Plain text.",
    )

    class Meta:
        ordering = ["display_name"]
        verbose_name = "author profile"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"username": self.user.get_username()})

    @property
    def name(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.get_username()


class SearchDocument(models.Model):
    """An article's weighted full-text vector, searched on PostgreSQL.

    Title weighs most (A), then standfirst and tags (B), countries and areas (C), body (D).
    `articles.search` rebuilds it whenever the article or its taxonomy changes. The GIN index
    is created by the migration on PostgreSQL only; on SQLite this table stays empty and the
    FTS5 table `articles_search` plays its part.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    vector = SearchVectorField()

    def __str__(self) -> str:
        return f"Search document of article {self.article_id}"
