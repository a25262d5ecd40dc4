"""What the newsroom assistant suggests for a text: countries, areas, tags and language.

Countries and areas come from `countries.recognition`, and so does the language the text is
written in (`detect_language`). Tags are the existing tags the text uses (matched by the same
engine), then its most salient phrases: names and noun phrases that recur, which often make
good new tags ("Middle Corridor", "critical minerals").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from articles.models import Article, Tag
from countries.recognition import (
    Matcher,
    Mention,
    Snippet,
    Term,
    cached_matcher,
    detect_language,
    fold,
    prepare,
    recognise,
    snippet,
    taxonomy_matcher,
)

TAG_LIMIT = 10
MIN_PHRASE_COUNT = 2

# Words that do not make a tag on their own and do not start or end one.
STOPWORDS = frozenset(
    """
    a about above after again against ago all almost also although am among an and another any
    are as at be because been before being below between both but by can could did do does
    doing done down during each either else even ever every few first for from further had has
    have having he her here hers him his how however i if in into is it its itself just last
    least less like made make many may me might more most much must my near neither new next no
    nor not now of off often on once one only or other others our out over own per perhaps
    rather same second several shall she should since so some still such than that the their
    them then there these they this those though three through thus to too two under until up
    upon us very was we were what when where whether which while who whom whose why will with
    within without would yet you your
    """.split()
)

_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*|\d[\w\-]*")
_SENTENCE_BREAK = re.compile(r"[.!?;:()\[\]\"\u201c\u201d]|\s[-\u2013\u2014]\s")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_CONNECTORS = frozenset({"of", "and", "for", "the", "de"})


@dataclass(frozen=True)
class TagSuggestion:
    name: str
    count: int
    existing: bool
    snippet: Snippet | None = None


@dataclass(frozen=True)
class Suggestions:
    countries: list[Mention]
    areas: list[Mention]
    tags: list[TagSuggestion]
    language: Article.Language

    def __bool__(self) -> bool:
        return bool(self.countries or self.areas or self.tags)


def tag_matcher() -> Matcher:
    """A matcher for every existing tag's name, rebuilt only when the tags change."""
    rows = tuple(Tag.objects.order_by("pk").values_list("pk", "name", "slug"))
    return cached_matcher(
        "tags",
        rows,
        lambda: Matcher(Term("tag", pk, name, slug, (name,)) for pk, name, slug in rows),
    )


def _sentences(text: str) -> list[list[str]]:
    return [
        [_POSSESSIVE.sub("", word) for word in _WORD.findall(part)]
        for part in _SENTENCE_BREAK.split(text)
    ]


def _is_name(word: str) -> bool:
    return word[0].isupper()


def _candidates(text: str) -> Counter:
    """Recurring proper names ("Middle Corridor") and lower-case noun phrases ("supply chains")."""
    counts: Counter = Counter()
    for words in _sentences(text):
        # Runs of capitalised words, allowing "of", "and"… between them.
        run: list[str] = []
        for position, word in enumerate([*words, ""]):
            if word and _is_name(word):
                run.append(word)
            elif word in _CONNECTORS and run:
                run.append(word)
            else:
                starts_sentence = bool(run) and position == len(run)
                while run and run[0].lower() in STOPWORDS:
                    run.pop(0)
                while run and run[-1].lower() in STOPWORDS:
                    run.pop()
                # A lone capitalised word opening a sentence is usually not a name.
                if run and not (starts_sentence and len(run) == 1):
                    counts[" ".join(run)] += 1
                run = []
        # Two- and three-word phrases of lower-case content words.
        plain = [w if w.islower() and len(w) > 2 and w not in STOPWORDS else "" for w in words]
        for size in (2, 3):
            for start in range(len(plain) - size + 1):
                gram = plain[start : start + size]
                if all(gram):
                    counts[" ".join(gram)] += 1
    return counts


def salient_phrases(text: str, exclude: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    """Phrases that recur in `text`, best first: longer and more frequent phrases score higher.

    `exclude` holds folded phrases to leave out, such as country names already recognised.
    """
    counts = _candidates(text)
    by_key: dict[str, list] = {}
    for phrase, count in counts.items():
        key = fold(phrase)
        if key in exclude:
            continue
        entry = by_key.setdefault(key, [phrase, 0])
        entry[1] += count
    scored = [
        (phrase, count)
        for phrase, count in by_key.values()
        if count >= MIN_PHRASE_COUNT and len(phrase) <= 100
    ]
    # A phrase inside a longer one that recurs as often adds nothing.
    scored = [
        (phrase, count)
        for phrase, count in scored
        if not any(
            other != phrase and count <= other_count and f" {phrase} " in f" {other} "
            for other, other_count in scored
        )
    ]
    return sorted(scored, key=lambda item: (-item[1] * len(item[0].split()), item[0]))


def _first_snippet(text: str, phrase: str) -> Snippet | None:
    match = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE)
    return snippet(text, match.start(), match.end()) if match else None


def suggest_tags(text: str, taxonomy: Matcher | None = None, limit: int = TAG_LIMIT):
    """Existing tags the text uses, then its salient phrases, `limit` at most."""
    found = tag_matcher().find(text)
    suggestions = [
        TagSuggestion(m.name, m.count, existing=True, snippet=m.snippets[0]) for m in found
    ][:limit]
    exclude = (taxonomy or taxonomy_matcher()).keys | {fold(s.name) for s in suggestions}
    prepared = prepare(text)
    for phrase, count in salient_phrases(prepared, exclude):
        if len(suggestions) >= limit:
            break
        suggestions.append(
            TagSuggestion(phrase, count, existing=False, snippet=_first_snippet(prepared, phrase))
        )
    return suggestions


def suggest(text: str) -> Suggestions:
    """Countries, areas and tags for `text`, each with its evidence, and its language."""
    taxonomy = taxonomy_matcher()
    recognition = recognise(text, taxonomy)
    return Suggestions(
        countries=recognition.countries,
        areas=recognition.areas,
        tags=suggest_tags(text, taxonomy),
        language=Article.Language(detect_language(text)),
    )
