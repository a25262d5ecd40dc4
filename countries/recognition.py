"""Recognise the countries and cooperation areas a text mentions, with the evidence.

Every phrase to look for (a country's name and aliases, an area's name and keywords) goes
into one Aho-Corasick automaton (pyahocorasick), so a text is read once however many phrases
there are. The automaton is cached and rebuilt only when the rows it was built from change
(`taxonomy_matcher`).

The rules, so an editor can predict what will be found:

- Case does not matter, except for short all-capital phrases ("US", "PRC", "STEM"), which
  match only in capitals: "us" and "stem from" are ordinary English.
- Curly and straight apostrophes are the same, and so are hyphens and dashes. A hyphen in a
  phrase also matches a space or nothing ("Nur-Sultan", "Nur Sultan"; "counter-terrorism",
  "counterterrorism"). Line breaks and runs of spaces count as one space, and a word
  hyphenated across a line break is joined again.
- Whole words only: "Russia" is not found in "Prussia", nor "China" in "Indochina". An English
  plural is the same word ("Uzbeks", "hospitals", "energies"). A katakana name must not run on
  into more katakana (インド is not インドネシア); kanji and kana phrases need no boundary,
  since Japanese is written without spaces.
- Where phrases overlap, the one starting first wins, then the longest: "Japanese language"
  counts once, for cultural exchange, not also for Japan.
- A country's or an area's own name always counts, whatever its aliases or keywords: an
  editor who adds keywords to "Energy" still expects "energy" in a sentence to be found. So
  do its translated names (`name_ja`, `name_ru`) where they are filled in.

`detect_language` tells which of the article languages (English, Japanese, Russian) a text
is written in, from the script of its letters, so that suggestions and imports can set it.
"""

from __future__ import annotations

import re
import string
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

import ahocorasick

SNIPPET_WIDTH = 60
MAX_SNIPPETS = 3
# Shorter all-capital phrases are treated as acronyms and matched in capitals only.
ACRONYM_MAX_LETTERS = 5

# Written as escapes: several of these look alike on screen.
APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4\u2032"
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# Same length in and out, so positions in the folded text are positions in the original.
_PUNCTUATION = str.maketrans(
    {**dict.fromkeys(APOSTROPHES, "'"), **dict.fromkeys(HYPHENS, "-"), "\u0130": "I"}
)
_HYPHENATED_LINE_BREAK = re.compile(rf"(?<=\w)([{HYPHENS}])[ \t]*\r?\n\s*(?=\w)")
_WHITESPACE = re.compile(r"\s+")


def prepare(text: str) -> str:
    """The text as it is matched and quoted: composed Unicode, whitespace runs as one space."""
    text = unicodedata.normalize("NFC", text)
    text = _HYPHENATED_LINE_BREAK.sub(r"\1", text)
    return _WHITESPACE.sub(" ", text).strip()


def _plain(text: str) -> str:
    return text.translate(_PUNCTUATION)


def fold(text: str) -> str:
    """The comparison form of a phrase: one apostrophe, one hyphen, lower case."""
    return _plain(_WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()).lower()


def is_acronym(phrase: str) -> bool:
    letters = [c for c in phrase if c.isalpha()]
    return 0 < len(letters) <= ACRONYM_MAX_LETTERS and all(c.isupper() for c in letters)


def _is_katakana(char: str) -> bool:
    code = ord(char)
    return (
        0x30A1 <= code <= 0x30FA
        or 0x30FC <= code <= 0x30FF
        or 0x31F0 <= code <= 0x31FF
        or 0xFF66 <= code <= 0xFF9F
    )


# Hiragana and katakana, CJK ideographs and their compatibility forms, half-width katakana.
_JAPANESE_CHARACTERS = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f"
_CYRILLIC_CHARACTERS = "\u0400-\u04ff"
_JAPANESE = re.compile(f"[{_JAPANESE_CHARACTERS}]")
_CYRILLIC = re.compile(f"[{_CYRILLIC_CHARACTERS}]")


def _is_japanese(char: str) -> bool:
    return _JAPANESE.match(char) is not None


def _is_wordlike(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def _joins(edge: str, neighbour: str) -> bool:
    """Would `neighbour` make the phrase ending (or starting) with `edge` part of a longer word?"""
    if _is_katakana(edge):
        return _is_katakana(neighbour)
    if _is_japanese(edge):
        return False
    return _is_wordlike(neighbour) and not _is_japanese(neighbour)


# "energy" → "energies", "economy" → "economies"; "Turkey" → "Turkeys" needs no rule.
_CONSONANT_Y = re.compile(r"[b-df-hj-np-tv-z]y$", re.IGNORECASE)


def _variants(phrase: str) -> Iterable[str]:
    """The spellings of a phrase that count as the phrase itself."""
    forms = {phrase}
    if any(hyphen in phrase for hyphen in HYPHENS):
        spaced = _plain(phrase)
        forms |= {spaced.replace("-", " "), spaced.replace("-", "")}
    if not is_acronym(phrase) and phrase[-1] in string.ascii_letters:
        singular = list(forms)
        forms |= {form + suffix for form in singular for suffix in ("s", "es")}
        forms |= {form[:-1] + "ies" for form in singular if _CONSONANT_Y.search(form)}
    if not is_acronym(phrase) and " " not in phrase and _is_cyrillic(phrase[-1]):
        forms |= russian_case_forms(phrase)
    return forms


def _is_cyrillic(char: str) -> bool:
    return _CYRILLIC.match(char) is not None


# Russian news copy declines names: "в Казахстане", "с Японией", "из Китая". The common
# noun and adjective endings cover the aliases editors write (names, capitals, demonyms).
_ADJECTIVE_ENDINGS = ("ий", "ый", "ой", "ая", "ое", "ие", "ые")
_ADJECTIVE_FORMS = (
    "ий", "ый", "ого", "ому", "им", "ым", "ом", "ая", "ой", "ую", "ое", "ие", "ые", "их",
    "ых", "ими", "ыми",
)  # fmt: skip
_NOUN_FORMS = {
    # ending -> (stem cut, endings that replace it)
    "ия": (1, ("и", "ю", "ей", "ей")),
    "й": (1, ("я", "ю", "ем", "е")),
    "ь": (1, ("я", "ю", "ем", "е", "и")),
    "а": (1, ("ы", "и", "е", "у", "ой")),
    "я": (1, ("и", "е", "ю", "ей")),
}
_CONSONANT_FORMS = ("а", "у", "ом", "е")


def russian_case_forms(word: str) -> set[str]:
    """The inflected forms of a one-word Russian name (Казахстан → Казахстана, Казахстане…)."""
    lower = word.lower()
    if len(lower) < 4 or lower[-1] in "оеиуыэю":
        return set()  # short, or indeclinable (Алматы, Токио, Бишкек's neighbours aside)
    if lower.endswith(_ADJECTIVE_ENDINGS):
        stem = word[:-2]
        return {stem + ending for ending in _ADJECTIVE_FORMS}
    for ending, (cut, replacements) in _NOUN_FORMS.items():
        if lower.endswith(ending):
            return {word[:-cut] + replacement for replacement in replacements}
    return {word + ending for ending in _CONSONANT_FORMS}


@dataclass(frozen=True)
class Term:
    """Something to recognise: a country, an area or a tag, and the phrases that signal it."""

    kind: str
    pk: int
    name: str
    slug: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Snippet:
    """One occurrence in context: the words before, the phrase as written, the words after."""

    before: str
    text: str
    after: str

    def __str__(self) -> str:
        return f"{self.before}{self.text}{self.after}"


@dataclass
class Mention:
    """Everything found for one term: how often, in which spellings, and where."""

    term: Term
    first_at: int
    count: int = 0
    forms: Counter = field(default_factory=Counter)
    snippets: list[Snippet] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.term.pk

    @property
    def name(self) -> str:
        return self.term.name

    def forms_display(self) -> str:
        return ", ".join(
            form if n == 1 else f"{form} \u00d7{n}" for form, n in self.forms.most_common()
        )


def snippet(text: str, start: int, stop: int, width: int = SNIPPET_WIDTH) -> Snippet:
    """Up to `width` characters either side of text[start:stop], cut at word boundaries."""
    before = text[max(0, start - width) : start]
    if start > width:
        before = "…" + before.split(" ", 1)[-1] if " " in before else "…" + before
    after = text[stop : stop + width]
    if stop + width < len(text):
        after = after.rsplit(" ", 1)[0] + "…" if " " in after else after + "…"
    return Snippet(before, text[start:stop], after)


class Matcher:
    """Finds the terms mentioned in texts; build once, use for any number of texts."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = list(terms)
        payloads: dict[str, dict[tuple[int, str | None], None]] = {}
        for index, term in enumerate(self.terms):
            for phrase in term.phrases:
                phrase = phrase.strip()
                if len(phrase) < 2:  # a lone character would match all over the place
                    continue
                acronym = is_acronym(phrase)
                for variant in _variants(phrase):
                    exact = _plain(variant) if acronym else None
                    payloads.setdefault(fold(variant), {})[(index, exact)] = None
        self.keys = frozenset(payloads)
        self._automaton = ahocorasick.Automaton()
        for key, entries in payloads.items():
            self._automaton.add_word(key, (len(key), tuple(entries)))
        if payloads:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Mention]:
        """Terms mentioned in `text`, most mentioned first, each with up to three snippets."""
        text = prepare(text)
        if not text or not self.keys:
            return []
        plain = _plain(text)
        folded = plain.lower()
        spans = []
        for end, (length, entries) in self._automaton.iter(folded):
            start, stop = end - length + 1, end + 1
            if start > 0 and _joins(text[start], text[start - 1]):
                continue
            if stop < len(text) and _joins(text[stop - 1], text[stop]):
                continue
            terms = [
                index for index, exact in entries if exact is None or plain[start:stop] == exact
            ]
            if terms:
                spans.append((start, stop, terms))
        mentions: dict[int, Mention] = {}
        taken_until = 0
        # Leftmost first, then longest: a shorter phrase inside a longer one does not count.
        for start, stop, terms in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
            if start < taken_until:
                continue
            taken_until = stop
            for index in dict.fromkeys(terms):
                mention = mentions.setdefault(index, Mention(self.terms[index], first_at=start))
                mention.count += 1
                mention.forms[text[start:stop]] += 1
                if len(mention.snippets) < MAX_SNIPPETS:
                    mention.snippets.append(snippet(text, start, stop))
        return sorted(mentions.values(), key=lambda m: (-m.count, m.first_at))


@dataclass(frozen=True)
class Recognition:
    countries: list[Mention]
    areas: list[Mention]

    def __bool__(self) -> bool:
        return bool(self.countries or self.areas)


_cache: dict[str, tuple[Hashable, Matcher]] = {}
_cache_lock = threading.Lock()


def cached_matcher(name: str, source: Hashable, build: Callable[[], Matcher]) -> Matcher:
    """The matcher last built under `name`, unless `source` (the rows it is built from) changed.

    Comparing the rows themselves is exact and costs one small query; building the automaton
    is what is worth saving. Each process keeps its own copy, and every process notices an
    edit made in another one at its next call.
    """
    with _cache_lock:
        cached = _cache.get(name)
        if cached is not None and cached[0] == source:
            return cached[1]
    matcher = build()
    with _cache_lock:
        _cache[name] = (source, matcher)
    return matcher


def taxonomy_matcher() -> Matcher:
    """The matcher for every country (names and aliases) and cooperation area (names and keywords).

    A country or an area is found by its name in every language (`name_en`, `name_ja`,
    `name_ru`) as well as by its aliases or keywords; its mentions carry its name in the active
    language, so each language has a matcher of its own.
    """
    from modeltranslation.utils import get_language, get_translation_fields

    from countries.models import CooperationArea, Country, split_lines

    names = ("name", *get_translation_fields("name"))
    countries = tuple(Country.objects.order_by("pk").values_list("pk", *names, "slug", "aliases"))
    areas = tuple(
        CooperationArea.objects.order_by("pk").values_list("pk", *names, "slug", "keywords")
    )

    def term(kind: str, row: tuple) -> Term:
        pk, name, *translated, slug, phrases = row
        own_names = [own for own in (name, *translated) if own]
        return Term(kind, pk, name, slug, tuple(dict.fromkeys(own_names + split_lines(phrases))))

    def build() -> Matcher:
        return Matcher(
            [term("country", row) for row in countries] + [term("area", row) for row in areas]
        )

    return cached_matcher(f"taxonomy:{get_language()}", (countries, areas), build)


def recognise(text: str, matcher: Matcher | None = None) -> Recognition:
    """The countries and cooperation areas `text` mentions, most mentioned first."""
    mentions = (matcher or taxonomy_matcher()).find(text)
    return Recognition(
        countries=[m for m in mentions if m.term.kind == "country"],
        areas=[m for m in mentions if m.term.kind == "area"],
    )


# The language a text is written in: one of the article languages, by the script of its letters.

LANGUAGES = ("en", "ja", "ru")
# A Japanese word takes one to three kana or kanji where an English or Russian word takes five
# or six letters, so each Japanese character weighs as much as this many letters.
JAPANESE_WEIGHT = 3
_LETTER = re.compile(r"[^\W\d_]")
_JAPANESE_LETTER = re.compile(rf"(?=[^\W\d_])[{_JAPANESE_CHARACTERS}]")
_CYRILLIC_LETTER = re.compile(rf"(?=[^\W\d_])[{_CYRILLIC_CHARACTERS}]")


def _count(pattern: re.Pattern, text: str) -> int:
    return pattern.subn("", text)[1]


def detect_language(text: str) -> str:
    """The language `text` is written in, "en", "ja" or "ru", judged by the script of its letters.

    Kana and kanji count for Japanese, `JAPANESE_WEIGHT` letters each; Cyrillic letters for
    Russian; every other letter (Latin, mostly) for English. The language with the most wins,
    English on a tie or when there are no letters at all. So a Japanese text naming ASEAN or
    Toyota is Japanese, a Russian one quoting "Middle Corridor" Russian, and an English one
    quoting a Russian or Japanese word English. Kanji alone count as Japanese: Chinese is not
    one of Summit's languages.
    """
    letters = _count(_LETTER, text)
    japanese = _count(_JAPANESE_LETTER, text)
    cyrillic = _count(_CYRILLIC_LETTER, text)
    weights = {
        "en": letters - japanese - cyrillic,
        "ja": japanese * JAPANESE_WEIGHT,
        "ru": cyrillic,
    }
    # max() keeps the first of equals, and English comes first.
    return max(LANGUAGES, key=weights.__getitem__)
