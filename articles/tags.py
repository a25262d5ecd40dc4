"""Keeping tags tidy: merging duplicates, spotting likely duplicates, renaming.

Case is already handled by the database (one tag per name whatever its case); this module
deals with what case-folding cannot see: plurals, punctuation, spelling variants and the
other names of a country ("Kirghizia" for Kyrgyzstan).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from articles.models import Article, Editor, Tag, TaggedArticle, unique_slug
from countries.models import Country
from summit.redirects import record_move

# How alike two spellings must be (difflib's ratio, 0 to 1) to be listed as likely duplicates.
SIMILARITY = 0.85
MIN_LENGTH_FOR_SIMILARITY = 5


def tag_key(name: str) -> str:
    """A tag's name reduced to what a reader would consider the same word.

    Case, accents, punctuation, spacing and simple English plurals are ignored, so
    "Counter-terrorism", "counter terrorism" and "Counterterrorism" share a key, as do
    "Pipelines" and "pipeline".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = "".join(ch if ch.isalnum() else " " for ch in letters).split()
    return "".join(_singular(word) for word in words)


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.isascii():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass
class DuplicateGroup:
    reason: str
    tags: list[Tag]


def likely_duplicates(tags: Iterable[Tag] | None = None) -> list[DuplicateGroup]:
    """Groups of tags that probably mean the same thing, each with why they were grouped.

    Three signs, strongest first: the same key (case, plural, punctuation); names of the same
    country (its aliases, as editors keep them on the country); spellings that differ by a
    letter or two. Two queries whatever the number of tags.
    """
    tags = list(tags if tags is not None else Tag.objects.annotate(uses=Count("tagged_articles")))
    keys = {tag.pk: tag_key(tag.name) for tag in tags}
    groups: list[DuplicateGroup] = []
    grouped: set[int] = set()

    by_key: dict[str, list[Tag]] = defaultdict(list)
    for tag in tags:
        by_key[keys[tag.pk]].append(tag)
    for same in by_key.values():
        if len(same) > 1:
            groups.append(DuplicateGroup(_("Same word (case, plural or punctuation)"), same))
            grouped.update(tag.pk for tag in same)

    country_of_key: dict[str, Country] = {}
    for country in Country.objects.only("name", "aliases"):
        for name in [country.name, *country.alias_list]:
            country_of_key.setdefault(tag_key(name), country)
    by_country: dict[Country, list[Tag]] = defaultdict(list)
    for tag in tags:
        country = country_of_key.get(keys[tag.pk])
        if country is not None:
            by_country[country].append(tag)
    for country, same in by_country.items():
        if len({keys[tag.pk] for tag in same}) > 1:
            reason = _("Names of %(country)s") % {"country": country.name}
            groups.append(DuplicateGroup(reason, same))
            grouped.update(tag.pk for tag in same)

    # Compare spellings only among tags starting with the same letter: quadratic work stays
    # small, and variants almost always share their first letter.
    by_letter: dict[str, list[Tag]] = defaultdict(list)
    for tag in tags:
        key = keys[tag.pk]
        if tag.pk not in grouped and len(key) >= MIN_LENGTH_FOR_SIMILARITY:
            by_letter[key[0]].append(tag)
    for candidates in by_letter.values():
        for i, first in enumerate(candidates):
            for second in candidates[i + 1 :]:
                matcher = difflib.SequenceMatcher(None, keys[first.pk], keys[second.pk])
                if matcher.quick_ratio() >= SIMILARITY and matcher.ratio() >= SIMILARITY:
                    groups.append(DuplicateGroup(_("Similar spelling"), [first, second]))
    return groups


def unused_tags():
    """Tags that no article carries, draft or published."""
    return Tag.objects.annotate(uses=Count("tagged_articles")).filter(uses=0).order_by("name")


@transaction.atomic
def merge_tags(target: Tag, others: Iterable[Tag], *, user: Editor = None) -> list[Article]:
    """Move every article from `others` to `target`, delete `others`, redirect their pages.

    One editorial write (`ArticleQuerySet.revise`): each affected article gets a revision
    (with one recorded first for articles that had no history, so the merge can be undone
    per article) and a new version number, so an editor with the article open cannot put
    the old tag back by saving a stale form.
    """
    others = [tag for tag in others if tag.pk != target.pk]
    if not others:
        return []
    article_ids = set(
        TaggedArticle.objects.filter(tag__in=others).values_list("content_object_id", flat=True)
    )

    def move_links() -> None:
        links = TaggedArticle.objects.filter(tag__in=others).order_by("pk")
        has_target = set(
            TaggedArticle.objects.filter(tag=target, content_object_id__in=article_ids).values_list(
                "content_object_id", flat=True
            )
        )
        for link in links:
            if link.content_object_id in has_target:
                link.delete()
            else:
                link.tag = target
                link.save(update_fields=["tag"])
                has_target.add(link.content_object_id)
        for tag in others:
            record_move(tag.get_absolute_url(), target.get_absolute_url())
            tag.delete()

    names = ", ".join(f"“{tag.name}”" for tag in others)
    noun = "Tag" if len(others) == 1 else "Tags"
    articles = Article.objects.filter(pk__in=article_ids)
    if article_ids:
        articles.revise(
            user=user,
            comment=f"{noun} {names} merged into “{target.name}”",
            before_comment="Before a tag merge",
            set_related=move_links,
        )
    else:
        move_links()
    return list(articles)


def delete_tags(tags: QuerySet[Tag], *, user: Editor = None) -> None:
    """Delete `tags`; the articles that carried them get a revision and a new version.

    The revision recorded first (for articles without history) is what a restore goes back
    to, tag included: an article's revision holds its tags as well as its links.
    """
    tag_ids = list(tags.values_list("pk", flat=True))
    article_ids = TaggedArticle.objects.filter(tag__in=tag_ids).values_list(
        "content_object_id", flat=True
    )
    articles = Article.objects.filter(pk__in=list(article_ids))
    with transaction.atomic():
        if not articles.revise(
            user=user,
            comment="A tag was deleted",
            before_comment="Before a tag was deleted",
            set_related=Tag.objects.filter(pk__in=tag_ids).delete,
        ):
            Tag.objects.filter(pk__in=tag_ids).delete()


def renamed_slug(tag: Tag, old_name: str, old_slug: str) -> str:
    """The slug a renamed tag should have: follow the name unless an editor chose the slug."""
    if tag.slug != old_slug or tag.slugify(old_name) != old_slug:
        return tag.slug
    if tag.slugify(tag.name) == old_slug:
        return old_slug
    return unique_slug(Tag, tag.name, exclude_pk=tag.pk)
