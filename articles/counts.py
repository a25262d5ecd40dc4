"""Published-article counts per country, area and tag, shared by every page that shows them.

Every count is of one language's articles: by default the language of the page being served
(`articles.models.current_language()`), or the `language` given. A Japanese article counts
on /ja/ pages only.

The home page, /tags/, /countries/, /areas/, the coverage matrix and the facets all read the
same few counts. They are maintained as articles change (`LinkTally`, moved by the write path
and the model signals by what each change adds or takes away), so reading them costs a few
hundred rows however large the collection; the result is also kept in the cache until the
content changes (`summit.cache.cached_for_content`; a scheduled article going live counts as a
change). `count_links()` counts from the link tables instead, for a narrower selection of
articles (the facets of a combined filter) and as the reference the tests hold the maintained
counts to.

Cached values are plain data, ids and counts only: names, slugs and addresses are read per
request, so a value cached for one language can never carry its wording into another's page.
Every cache name ends with the language it counts ("counts:links:ja"), so a value cached for
one language never answers for another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from copy import copy
from typing import TypeVar

from django.db.models import Count, Model, Q, QuerySet, Value

from articles.models import (
    TALLY_KINDS,
    Article,
    ArticleArea,
    ArticleCountry,
    LinkTally,
    Tag,
    TaggedArticle,
    current_language,
    known_tags,
    published_condition,
)
from summit.cache import cached_for_content

M = TypeVar("M", bound=Model)

# Counts keyed by id: {country id: published articles}.
Counts = dict[int, int]


def count_links(
    articles: QuerySet[Article] | None = None,
    kinds: Iterable[str] = ("country", "area", "tag"),
    language: str | None = None,
) -> dict[str, Counts]:
    """Articles in `language` (by default the page's) per country, area and tag: published
    ones, or only those in `articles`.

    One query: each link table grouped by what it links to (never by article), all in a
    UNION ALL. Kinds not asked for come back empty.
    """
    language = language or current_language()
    links = {
        "country": (ArticleCountry, "country_id", "article"),
        "area": (ArticleArea, "area_id", "article"),
        "tag": (TaggedArticle, "tag_id", "content_object"),
    }
    counts: dict[str, Counts] = {kind: {} for kind in links}
    parts = []
    for kind in kinds:
        model, field, article = links[kind]
        if articles is None:
            chosen = published_condition(f"{article}__")
        else:
            chosen = Q(**{f"{article}__in": articles.order_by().values("pk")})
        parts.append(
            model.objects.filter(chosen, **{f"{article}__language": language})
            .order_by()
            .annotate(kind=Value(kind))
            .values_list("kind", field)
            .annotate(count=Count("pk"))
        )
    if not parts:
        return counts
    for kind, pk, count in parts[0].union(*parts[1:], all=True):
        counts[kind][pk] = count
    return counts


def link_counts(language: str | None = None) -> dict[str, Counts]:
    """Published articles in `language` (by default the page's) per country, area and tag in
    use: {"country": {id: count}, …}."""
    language = language or current_language()
    return cached_for_content(f"counts:links:{language}", lambda: _maintained_link_counts(language))


# Read together and shared by every page that counts: a few hundred keys per language. The
# pairs with a tag (about 2,000 keys at 100,000 articles, nine tenths of the rest) are read
# per key, by the pages that show them: a place's tags, a tag's places, a tag's tags; so are
# a country's and area's tags per (country, area), and months per place.
READ_PER_KEY = (
    "country-tag", "area-tag", "tag-tag", "country-area-tag", "month", "country-month",
    "area-month",
)  # fmt: skip
SHARED_KINDS = tuple(kind for kind in TALLY_KINDS if kind not in READ_PER_KEY)
# The places a tag can be counted in.
PLACE_KINDS = ("country", "area")


def _maintained(language: str) -> dict[str, dict]:
    return cached_for_content(
        f"counts:maintained:{language}",
        lambda: LinkTally.objects.counts(SHARED_KINDS, language=language),
    )


def _maintained_link_counts(language: str) -> dict[str, Counts]:
    counts = _maintained(language)
    return {kind: dict(counts.get(kind, {})) for kind in ("country", "area", "tag")}


def _country_area_counts(language: str | None = None) -> dict[tuple[int, int], int]:
    """From the link tables: the reference for the maintained `country_area_counts()`."""
    rows = (
        ArticleCountry.objects.filter(
            published_condition("article__"),
            article__language=language or current_language(),
            article__articlearea__isnull=False,
        )
        .order_by()
        .values_list("country_id", "article__articlearea__area_id")
        .annotate(count=Count("pk"))
    )
    return {(country, area): count for country, area, count in rows}


def country_area_counts(language: str | None = None) -> dict[tuple[int, int], int]:
    """Published articles in `language` (by default the page's) per (country id, area id)
    pair that has any."""
    language = language or current_language()
    return cached_for_content(
        f"counts:country-area:{language}",
        lambda: dict(_maintained(language).get("country-area", {})),
    )


def _tag_counts_by_place(language: str | None = None) -> dict[str, dict[int, Counts]]:
    """From the link tables, every place's tags: the reference for the maintained
    `tags_in_place()` and `places_with_tag()`."""
    language = language or current_language()

    def per(model: type[Model], kind: str, field: str) -> QuerySet:
        return (
            model.objects.filter(
                published_condition("article__"),
                article__language=language,
                article__tagged_items__isnull=False,
            )
            .order_by()
            .annotate(kind=Value(kind))
            .values_list("kind", field, "article__tagged_items__tag_id")
            .annotate(count=Count("pk"))
        )

    rows = per(ArticleCountry, "country", "country_id").union(
        per(ArticleArea, "area", "area_id"), all=True
    )
    counts: dict[str, dict[int, Counts]] = {"country": defaultdict(dict), "area": defaultdict(dict)}
    for kind, place, tag, count in rows:
        counts[kind][place][tag] = count
    return {kind: dict(by_place) for kind, by_place in counts.items()}


def tags_in_place(kind: str, place: int, language: str | None = None) -> Counts:
    """Published articles in `language` (by default the page's) per tag among those linked to
    `place`, a country (`kind` "country") or an area ("area"): {tag: n}."""
    if kind not in PLACE_KINDS:
        raise ValueError(f"Tags are counted per country or area, not per {kind!r}.")
    language = language or current_language()
    pairs = f"{kind}-tag"

    def read() -> Counts:
        counts = LinkTally.objects.counts([pairs], first=place, language=language)
        return {tag: count for (_, tag), count in counts.get(pairs, {}).items()}

    return cached_for_content(f"counts:{pairs}:{place}:{language}", read)


def places_with_tag(tag: int, language: str | None = None) -> dict[str, Counts]:
    """Published articles in `language` (by default the page's) per country and per area
    among `tag`'s articles: {"country": {id: n}, "area": {id: n}}."""
    language = language or current_language()

    def read() -> dict[str, Counts]:
        kinds = [f"{kind}-tag" for kind in PLACE_KINDS]
        counts = LinkTally.objects.counts(kinds, language=language, second=tag)
        return {
            kind: {place: count for (place, _), count in counts.get(f"{kind}-tag", {}).items()}
            for kind in PLACE_KINDS
        }

    return cached_for_content(f"counts:tag-places:{tag}:{language}", read)


def tags_with_tag(tag: int, language: str | None = None) -> Counts:
    """Published articles in `language` (by default the page's) per other tag among `tag`'s
    articles: {other tag: n}."""
    language = language or current_language()

    def read() -> Counts:
        counts = LinkTally.objects.counts(["tag-tag"], first=tag, language=language)
        return {other: count for (_, other), count in counts.get("tag-tag", {}).items()}

    return cached_for_content(f"counts:tag-tag:{tag}:{language}", read)


def tags_in_country_area(country: int, area: int, language: str | None = None) -> Counts:
    """Published articles in `language` (by default the page's) per tag among those linked
    to both `country` and `area`: {tag: n}."""
    language = language or current_language()

    def read() -> Counts:
        counts = LinkTally.objects.counts(
            ["country-area-tag"], first=country, second=area, language=language
        )
        return {tag: count for (_, _, tag), count in counts.get("country-area-tag", {}).items()}

    return cached_for_content(f"counts:country-area-tag:{country}:{area}:{language}", read)


def articles_per_month(
    country: int | None = None, area: int | None = None, language: str | None = None
) -> dict[tuple[int, int], int]:
    """Published articles in `language` (by default the page's) per (year, month) of their
    publish time in the site's time zone: all of them, or one country's or area's."""
    language = language or current_language()
    if country is not None and area is not None:
        raise ValueError("Months are counted for a country or an area, not both.")
    kind, first = ("country-month", country) if country is not None else ("area-month", area)
    if first is None:
        kind = "month"

    def read() -> dict[tuple[int, int], int]:
        counts = LinkTally.objects.counts([kind], first=first, language=language).get(kind, {})
        # "month" is keyed by the month (202611), the others by (place, month).
        return {divmod(key if kind == "month" else key[1], 100): n for key, n in counts.items()}

    return cached_for_content(f"counts:{kind}:{first}:{language}", read)


def with_counts(objects: Iterable[M], counts: Counts) -> list[M]:
    """`objects` with `article_count` set from `counts` (0 when absent)."""
    objects = list(objects)
    for obj in objects:
        obj.article_count = counts.get(obj.pk, 0)
    return objects


def top_tags(counts: Counts, limit: int, exclude: Sequence[int] = ()) -> list[Tag]:
    """The `limit` most used tags in `counts`, ties by name, each with `article_count`.

    Reads only the tags that can make the cut, however many tags `counts` holds, from the
    process's kept tags (`known_tags()`).
    """
    ranked = sorted(((n, pk) for pk, n in counts.items() if pk not in exclude), reverse=True)
    if not ranked:
        return []
    cutoff = ranked[min(limit, len(ranked)) - 1][0]
    # Tags tied with the last one that makes the cut compete by name.
    candidates = [pk for n, pk in ranked if n >= cutoff]
    # Copies of the process's tags: each page sets its own counts on them.
    tags = with_counts(map(copy, known_tags(candidates).values()), counts)
    return sorted(tags, key=lambda tag: (-tag.article_count, tag.name))[:limit]


def tags_in_use(language: str | None = None) -> list[Tag]:
    """Tags on at least one published article in `language` (by default the page's), by
    name, each with `article_count`.

    Reads the tag table (the vocabulary, not the articles) and the cached counts.
    """
    counts = link_counts(language)["tag"]
    return [tag for tag in with_counts(Tag.objects.order_by("name"), counts) if tag.article_count]


def selection_count(
    country: int | None = None,
    area: int | None = None,
    tags: Sequence[int] = (),
    language: str | None = None,
) -> int | None:
    """How many published articles a list of this selection holds, read from the maintained
    counts when one key covers it: the whole list, one country, area or tag, or any two of
    them. None for a longer selection, which is counted from the articles themselves."""
    language = language or current_language()
    places = [("country", country), ("area", area)]
    chosen = [(kind, pk) for kind, pk in places if pk is not None]
    chosen += [("tag", pk) for pk in tags]
    if len(chosen) > 2:
        return None
    if not chosen:
        kind, first, second = "total", 0, 0
    elif len(chosen) == 1:
        (kind, first), second = chosen[0], 0
    else:
        (first_kind, first), (second_kind, second) = chosen
        kind = f"{first_kind}-{second_kind}"
    if kind == "tag-tag":
        return tags_with_tag(first, language).get(second, 0)
    if kind in ("country-tag", "area-tag"):
        return tags_in_place(first_kind, first, language).get(second, 0)
    found = _maintained(language).get(kind, {})
    return found.get((first, second) if "-" in kind else first, 0)
