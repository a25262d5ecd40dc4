"""Faceted browsing: which tags, country and area a reader has narrowed the articles to.

The same selection drives /articles/, the taxonomy pages (a tag page is the selection "this
tag") and every facet link, so the rules for combining filters live here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from urllib.parse import quote_plus, urlencode

from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from articles.counts import (
    Counts,
    count_links,
    country_area_counts,
    link_counts,
    places_with_tag,
    tags_in_country_area,
    tags_in_place,
    tags_with_tag,
    top_tags,
)
from articles.models import Article, ArticleQuerySet, Tag, current_language
from countries.models import CooperationArea, Country, places
from summit.addresses import MARKER, reverse_fixed
from summit.cache import cached_for_content

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
        return reverse_fixed(name) + (f"?{query}" if query else "")

    def with_tag(self, tag: Tag) -> Selection:
        return replace(self, tags=(*self.tags, tag))

    def without_tag(self, tag: Tag) -> Selection:
        return replace(self, tags=tuple(t for t in self.tags if t.pk != tag.pk))

    def active_filters(self) -> list[ActiveFilter]:
        """Each active filter with the address of the same list without it."""
        filters = [
            ActiveFilter(_("Tag"), tag.name, self.without_tag(tag).url()) for tag in self.tags
        ]
        if self.country:
            filters.append(
                ActiveFilter(_("Country"), self.country.name, replace(self, country=None).url())
            )
        if self.area:
            filters.append(ActiveFilter(_("Area"), self.area.name, replace(self, area=None).url()))
        return filters


def _lookup(model: type[Country] | type[CooperationArea], values: list[str]):
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest(f"Choose one {model._meta.verbose_name} at a time.")
    slug = _valid_slug(values[0])
    # The process's copies (`places()`): every country and area, read once per generation.
    known = places()
    for place in (known.countries if model is Country else known.areas).values():
        if place.slug == slug:
            return place
    raise Http404(f"No such {model._meta.verbose_name}.")


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


def facets_for(
    selection: Selection, articles: QuerySet[Article], language: str | None = None
) -> Facets:
    """Options that narrow `articles` further, each with how many articles it would leave.

    Counts over exactly `articles` (e.g. search results) in `language` (by default the
    page's), uncached: one aggregate query bounded by that set, then the few countries, areas
    and tags it names.
    """
    counts = count_links(articles, kinds=_open_kinds(selection), language=language)
    return _options(selection, counts)


def facets_from_counts(selection: Selection, counts: dict[str, Counts]) -> Facets:
    """Options that narrow a set of articles further, from counts already made over that set
    (search results count their own candidates: `RankedResults.link_counts()`)."""
    return _options(selection, counts)


def selection_facets(selection: Selection, language: str | None = None) -> Facets:
    """Facets of the published articles in `selection` and `language` (by default the
    page's), from cached counts.

    No selection reads the site-wide counts; a single country or area reads the maintained
    country-by-area counts and its own tags' counts; a single tag reads its own countries',
    areas' and other tags' counts; a country with an area reads the maintained (country,
    area, tag) counts; anything narrower counts its own matches. Each is shared between
    requests in that language until the content changes.
    """
    language = language or current_language()
    if selection.is_empty:
        return _options(selection, link_counts(language))
    if len(selection.tags) + bool(selection.country) + bool(selection.area) == 1:
        if selection.country:
            place = selection.country.pk
            pairs = country_area_counts(language)
            counts = {
                "area": {area: n for (country, area), n in pairs.items() if country == place},
                "tag": tags_in_place("country", place, language),
            }
        elif selection.area:
            place = selection.area.pk
            pairs = country_area_counts(language)
            counts = {
                "country": {country: n for (country, area), n in pairs.items() if area == place},
                "tag": tags_in_place("area", place, language),
            }
        else:
            tag = selection.tags[0].pk
            counts = dict(places_with_tag(tag, language))
            # Tags that go with this one, and the tag itself (its own articles).
            counts["tag"] = {
                **tags_with_tag(tag, language),
                tag: link_counts(language)["tag"].get(tag, 0),
            }
        return _options(selection, counts)
    if selection.country and selection.area and not selection.tags:
        # Only tags are left to narrow by, and they are counted per (country, area).
        tags = tags_in_country_area(selection.country.pk, selection.area.pk, language)
        return _options(selection, {"tag": tags})
    counts = _selection_counts(selection, kinds=_open_kinds(selection), language=language)
    return _options(selection, counts)


def _open_kinds(selection: Selection) -> tuple[str, ...]:
    # A country or area already chosen is not offered again; tags can always narrow further.
    kinds = ["tag"]
    if selection.country is None:
        kinds.append("country")
    if selection.area is None:
        kinds.append("area")
    return tuple(kinds)


def _selection_counts(
    selection: Selection, kinds: tuple[str, ...], language: str
) -> dict[str, Counts]:
    """Counts over the selection's own matches in `language`, cached per selection (ids, not
    slugs) and language."""
    params = [("tag", tag.pk) for tag in sorted(selection.tags, key=lambda tag: tag.pk)]
    if selection.country:
        params.append(("country", selection.country.pk))
    if selection.area:
        params.append(("area", selection.area.pk))
    name = f"facets:{urlencode(params)}:{','.join(kinds)}:{language}"
    matches = selection.apply(Article.objects.published().in_language(language))
    return cached_for_content(name, lambda: count_links(matches, kinds=kinds, language=language))


def _options(selection: Selection, counts: dict[str, Counts]) -> Facets:
    facets = Facets()
    # Names from the process's copy of the places: no query (they are shared, so unchanged).
    # Each translated name is read once: every read asks for the active language.
    known = places()
    if selection.country is None and counts.get("country"):
        countries = [
            (known.countries[pk].name, count, known.countries[pk].slug)
            for pk, count in counts["country"].items()
            if pk in known.countries
        ]
        countries.sort(key=lambda option: (-option[1], option[0]))
        facets.countries = _narrowing(replace(selection, country=_SLOT), countries)
    if selection.area is None and counts.get("area"):
        areas = [
            (known.areas[pk].position, known.areas[pk].name, count, known.areas[pk].slug)
            for pk, count in counts["area"].items()
            if pk in known.areas
        ]
        areas.sort(key=lambda option: (-option[2], option[0], option[1]))
        facets.areas = _narrowing(replace(selection, area=_SLOT), [a[1:] for a in areas])
    chosen_tags = [tag.pk for tag in selection.tags]
    tags = top_tags(counts.get("tag", {}), TAG_FACET_LIMIT, exclude=chosen_tags)
    facets.tags = _narrowing(
        selection.with_tag(_SLOT), [(tag.name, tag.article_count, tag.slug) for tag in tags]
    )
    return facets


# Stands in for an option (a country, an area, a tag) in a selection whose address
# `_narrowing()` writes once for all the options of that kind.
_SLOT = SimpleNamespace(slug=MARKER)


def _narrowing(narrowed: Selection, options: list[tuple[str, int, str]]) -> list[FacetOption]:
    """An option for each (label, count, slug) of `options`, its address that of `narrowed`
    (a selection holding `_SLOT`) with the slug in the slot's place: what `url()` writes for
    each, with the rest of the address encoded once instead of once per option (a page of
    facets offers up to 37)."""
    head, _, tail = narrowed.url().partition(MARKER)
    return [
        FacetOption(label, count, f"{head}{quote_plus(slug)}{tail}")
        for label, count, slug in options
    ]
