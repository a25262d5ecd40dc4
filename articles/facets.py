"""Faceted browsing: which tags, country and area a reader has narrowed the articles to.

The same selection drives /articles/, the taxonomy pages (a tag page is the selection "this
tag") and every facet link, so the rules for combining filters live here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.core.exceptions import BadRequest
from django.db.models import Count, QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse

from articles.models import Article, ArticleQuerySet, Tag
from countries.models import CooperationArea, Country

SLUG_PATTERN = re.compile(r"^[-\w]{1,220}$")
MAX_TAGS = 6
TAG_FACET_LIMIT = 15


def _valid_slug(value: str) -> str:
    # Rejecting malformed values before they reach the database also keeps NUL bytes and
    # megabyte-long strings away from it.
    if not SLUG_PATTERN.match(value):
        raise Http404("No such filter value.")
    return value


@dataclass(frozen=True)
class Selection:
    tags: tuple[Tag, ...] = ()
    country: Country | None = None
    area: CooperationArea | None = None

    @classmethod
    def from_params(cls, params: QueryDict) -> Selection:
        """Resolve `?tag=…&country=…&area=…`; unknown or malformed values are a 404.

        A tag only unpublished articles carry counts as unknown, so nobody can probe for it.
        """
        tag_slugs = list(dict.fromkeys(_valid_slug(s) for s in params.getlist("tag")))
        if len(tag_slugs) > MAX_TAGS:
            raise BadRequest(f"Choose at most {MAX_TAGS} tags.")
        tags: tuple[Tag, ...] = ()
        if tag_slugs:
            found = {tag.slug: tag for tag in Tag.objects.public().filter(slug__in=tag_slugs)}
            if len(found) != len(tag_slugs):
                raise Http404("No such tag.")
            tags = tuple(found[slug] for slug in tag_slugs)
        return cls(
            tags=tags,
            country=_lookup(Country, params.getlist("country")),
            area=_lookup(CooperationArea, params.getlist("area")),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.tags or self.country or self.area)

    def apply(self, articles: ArticleQuerySet) -> ArticleQuerySet:
        articles = articles.tagged_with_all(list(self.tags))
        if self.country:
            articles = articles.filter(countries=self.country)
        if self.area:
            articles = articles.filter(cooperation_areas=self.area)
        return articles

    def params(self) -> list[tuple[str, str]]:
        pairs = [("tag", tag.slug) for tag in self.tags]
        if self.country:
            pairs.append(("country", self.country.slug))
        if self.area:
            pairs.append(("area", self.area.slug))
        return pairs

    def url(self, name: str = "articles:list") -> str:
        query = urlencode(self.params())
        return reverse(name) + (f"?{query}" if query else "")

    def with_tag(self, tag: Tag) -> Selection:
        return replace(self, tags=(*self.tags, tag))

    def without_tag(self, tag: Tag) -> Selection:
        return replace(self, tags=tuple(t for t in self.tags if t.pk != tag.pk))

    def active_filters(self) -> list[ActiveFilter]:
        """Each active filter with the address of the same list without it."""
        filters = [ActiveFilter("Tag", tag.name, self.without_tag(tag).url()) for tag in self.tags]
        if self.country:
            filters.append(
                ActiveFilter("Country", self.country.name, replace(self, country=None).url())
            )
        if self.area:
            filters.append(ActiveFilter("Area", self.area.name, replace(self, area=None).url()))
        return filters


def _lookup(model: type[Country] | type[CooperationArea], values: list[str]):
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"Choose one {model._meta.verbose_name} at a time.")
    try:
        return model.objects.get(slug=_valid_slug(values[0]))
    except model.DoesNotExist:
        raise Http404(f"No such {model._meta.verbose_name}.") from None


@dataclass(frozen=True)
class ActiveFilter:
    kind: str
    label: str
    remove_url: str


@dataclass(frozen=True)
class FacetOption:
    label: str
    count: int
    url: str


@dataclass
class Facets:
    countries: list[FacetOption] = field(default_factory=list)
    areas: list[FacetOption] = field(default_factory=list)
    tags: list[FacetOption] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.countries or self.areas or self.tags)


def facets_for(selection: Selection, articles: QuerySet[Article]) -> Facets:
    """Options that narrow `articles` further, each with how many articles it would leave.

    Three queries whatever the number of articles: filtering on the relation before
    annotating makes each count cover only the current result.
    """
    article_ids = articles.order_by().values("pk")
    facets = Facets()
    if selection.country is None:
        countries = (
            Country.objects.filter(articles__in=article_ids)
            .annotate(count=Count("articles"))
            .order_by("-count", "name")
        )
        facets.countries = [
            FacetOption(c.name, c.count, replace(selection, country=c).url()) for c in countries
        ]
    if selection.area is None:
        areas = (
            CooperationArea.objects.filter(articles__in=article_ids)
            .annotate(count=Count("articles"))
            .order_by("-count", "position", "name")
        )
        facets.areas = [
            FacetOption(a.name, a.count, replace(selection, area=a).url()) for a in areas
        ]
    chosen_tags = [tag.pk for tag in selection.tags]
    tags = (
        Tag.objects.filter(tagged_articles__content_object__in=article_ids)
        .exclude(pk__in=chosen_tags)
        .annotate(count=Count("tagged_articles"))
        .order_by("-count", "name")[:TAG_FACET_LIMIT]
    )
    facets.tags = [FacetOption(t.name, t.count, selection.with_tag(t).url()) for t in tags]
    return facets
