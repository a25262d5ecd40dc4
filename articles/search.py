"""Full-text search over published articles, on PostgreSQL or SQLite.

Readers type web-search syntax: words (all must match), `"exact phrase"`, `or` between
alternatives and `-word` to exclude. PostgreSQL understands that syntax natively
(`websearch_to_tsquery`); SQLite's FTS5 gets the same query translated by `to_fts5()`. Both
rank a title match above a body-only match and break ties by recency.

Each search is in one language, the page's (`current_language()`): it finds only articles
written in it, and respellings come from that language's names and titles. English and
Russian are stemmed; Japanese, written without spaces, is matched as substrings (any word
of two or more characters, wherever it stands in a sentence), so each backend indexes an
article the way its language needs: see `articles.search_backends`.

The index follows every change: `articles.signals` calls `reindex()` when an article, its
tags, countries or areas change; code that bypasses model signals (bulk creation,
`QuerySet.update()` of the title, standfirst, body or language) must call `reindex()` itself.
A change of status or publish time needs nothing (on PostgreSQL a trigger copies it into the
search document; SQLite reads the articles).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import BadRequest
from django.db import connection
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import (
    Article,
    attach_links,
    current_language,
)
from summit.statements import Statement

if TYPE_CHECKING:
    from articles.facets import Selection

MAX_QUERY_LENGTH = 200
# Private-use characters mark highlights inside snippets: they cannot clash with article
# text, and the snippet is escaped before they become <mark> tags.
MARK_START = "\ue000"
MARK_END = "\ue001"

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")
_MARKDOWN_NOISE = re.compile(
    r"\]\([^)\s]*\)?|[*_`#>\[\]|]+|\(\s*https?://\S*\)?|(?<!\w)[-:]{3,}(?!\w)"
)


@dataclass(frozen=True)
class Phrase:
    """One or more words that must appear together, in order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class ParsedQuery:
    """`required` clauses all match; each clause is alternatives joined by `or`."""

    required: tuple[tuple[Phrase, ...], ...] = ()
    excluded: tuple[Phrase, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.required

    @property
    def words(self) -> list[str]:
        """The words a reader asked for (not the excluded ones), first occurrence first."""
        found = (word for clause in self.required for phrase in clause for word in phrase.words)
        return list(dict.fromkeys(found))


def clean_query(text: str) -> str:
    """The query as typed, without control characters; too long a query is a bad request."""
    text = " ".join(_CONTROL_CHARACTERS.sub(" ", text).split())
    if len(text) > MAX_QUERY_LENGTH:
        raise BadRequest(f"Search terms are limited to {MAX_QUERY_LENGTH} characters.")
    return text


def parse_query(text: str) -> ParsedQuery:
    """Parse web-search syntax the way PostgreSQL's `websearch_to_tsquery` reads it."""
    clauses: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    join_next = False
    for match in _TOKEN.finditer(text):
        quoted_negation, quoted, bare = match.groups()
        if bare is not None and bare.lower() == "or":
            join_next = bool(clauses)
            continue
        negated = bool(quoted_negation) or (bare is not None and bare.startswith("-"))
        words = tuple(w.lower() for w in _WORD.findall(quoted if quoted is not None else bare))
        if not words:
            continue
        phrase = Phrase(words)
        if negated:
            excluded.append(phrase)
        elif join_next:
            clauses[-1].append(phrase)
        else:
            clauses.append([phrase])
        join_next = False
    return ParsedQuery(tuple(tuple(clause) for clause in clauses), tuple(excluded))


def to_fts5(query: ParsedQuery) -> str:
    """The FTS5 MATCH expression for `query`; every term is quoted, so no input is syntax."""

    def quoted(phrase: Phrase) -> str:
        return '"' + " ".join(phrase.words) + '"'

    expression = " AND ".join(
        "(" + " OR ".join(quoted(phrase) for phrase in clause) + ")" for clause in query.required
    )
    for phrase in query.excluded:
        expression += f" NOT {quoted(phrase)}"
    return expression


def backend(vendor: str | None = None) -> ModuleType:
    """The search implementation for the database in use."""
    from articles.search_backends import postgres, sqlite

    return postgres if (vendor or connection.vendor) == "postgresql" else sqlite


# A search considers at most this many matches: the newest ones when more match. Ranking,
# facet counts and the deepest page then cost the same for a word in 100 articles as for a
# word in 100,000, and the page says "more than 1,000 results" rather than counting them all.
MAX_CANDIDATES = 1000

# The kinds of link a candidate carries, as the facet counts name them.
LINK_KINDS = ("country", "area", "tag")


class Candidate(NamedTuple):
    """One match, as a backend that ranks in Python finds it (`found_among()`).

    Backends may hand plain tuples in this shape (a thousand rows straight from the cursor
    cost less than a thousand objects).
    """

    pk: int
    # Sorts the candidates best first (title hits before the rest); equal keys keep the
    # candidates' order, newest first.
    order: Sequence[Any]
    countries: Sequence[int]
    areas: Sequence[int]
    tags: Sequence[int]


class Found(NamedTuple):
    """What a backend's `found()` answers for a search."""

    # The newest matches considered (at most `MAX_CANDIDATES`), most relevant first, newest
    # first among equals.
    ranked_ids: list[int]
    # True when more articles matched than were considered.
    truncated: bool
    # How many considered matches link to each country, area and tag: the facet counts.
    link_counts: dict[str, dict[int, int]]


def found_among(candidates: Sequence[Candidate], limit: int) -> Found:
    """`Found` from up to `limit` + 1 candidates, newest first: the newest `limit` of them
    ranked and counted."""
    considered = candidates[:limit]
    ranked = [candidate[0] for candidate in sorted(considered, key=itemgetter(1))]
    columns = zip(*considered, strict=True) if considered else iter([()] * 5)
    *_, countries, areas, tags = columns
    counts = {
        kind: dict(Counter(chain.from_iterable(links)))
        for kind, links in zip(LINK_KINDS, (countries, areas, tags), strict=True)
    }
    return Found(ranked, len(candidates) > limit, counts)


class RankedResults(Sequence):
    """Search results in rank order, ready for the paginator, costing only what is shown.

    One query finds the results (`Found`): the newest `MAX_CANDIDATES` matches, ranked, with
    whether more matched and how many link to each country, area and tag (on PostgreSQL from
    the search documents alone). A page fetches only the articles it shows, through the
    published articles in the search's language (so the visibility rule decides what is
    shown): `_page_of()`.
    """

    ordered = True  # tells the paginator the order is deliberate

    def __init__(
        self, text: str, query: ParsedQuery, language: str, within: Selection | None = None
    ) -> None:
        self.text = text
        self.query = query
        self.language = language
        self.within = within

    @cached_property
    def _found(self) -> Found:
        if self.query.is_empty:
            return Found([], False, {kind: {} for kind in LINK_KINDS})
        return backend().found(self.text, self.query, self.language, self.within, MAX_CANDIDATES)

    @property
    def ranked_ids(self) -> list[int]:
        """The ids of the matches considered, most relevant first; newest first among
        equals."""
        return self._found.ranked_ids

    @property
    def is_truncated(self) -> bool:
        """True when more articles match than the search considers."""
        return self._found.truncated

    def __len__(self) -> int:
        return len(self.ranked_ids)

    def count(self) -> int:
        return len(self.ranked_ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.ranked_ids[index]
        if not ids:
            return []
        found = {
            article.pk: article
            for article in _page_of(len(ids))(timezone.now(), self.language, *ids)
        }
        page = [found[pk] for pk in ids if pk in found]
        attach_links(page)
        return page

    def link_counts(self) -> dict[str, dict[int, int]]:
        """How many of the matches considered link to each country, area and tag."""
        return self._found.link_counts


@functools.cache
def _page_of(size: int) -> Statement[Article]:
    """The published articles in a language among `size` ids, compiled once per size.

    A page of results is fetched by id through the visibility rule, without the text and
    its rendering, which cards do not show (snippets read the text themselves). The
    candidates were chosen in the search's selection, so it is not applied again. Building
    and compiling this queryset on every search cost twice what running it does.
    """
    return Statement(
        lambda now, language, *ids: (
            Article.objects.published(now)
            .in_language(language)
            .filter(pk__in=ids)
            .defer("body", "body_rendered")
        ),
        Article._meta.get_field("publish_at"),
        Article._meta.get_field("language"),
        *[Article._meta.pk] * size,
    )


def search(
    text: str, language: str | None = None, within: Selection | None = None
) -> RankedResults:
    """The published articles written in `language` (by default the page's) and, if given,
    in the facet selection `within` that match `text`, most relevant first, newest first
    among equals.

    Lazy: nothing runs until the results are counted or sliced.
    """
    language = _checked(language)
    return RankedResults(text, parse_query(text), language, within)


def any_word(query: ParsedQuery) -> ParsedQuery:
    """A query that any one of `query`'s words matches: what ranks the candidates."""
    return ParsedQuery(((*(Phrase((word,)) for word in query.words),),))


def _checked(language: str | None) -> str:
    """`language`, or the page's; backends build SQL names from it, so only known codes."""
    language = language or current_language()
    if language not in Article.Language.values:
        raise ValueError(f"Articles are not written in {language!r}.")
    return language


def highlight(articles: Iterable[Article], text: str, language: str | None = None) -> None:
    """Give each article a `snippet`: body text around the matches, with `<mark>` on them.

    One query for the whole page of results.
    """
    articles = list(articles)
    if not articles:
        return
    query = parse_query(text)
    language = _checked(language)
    raw = (
        {}
        if query.is_empty
        else backend().snippets([a.pk for a in articles], text, query, language)
    )
    for article in articles:
        article.snippet = render_snippet(raw.get(article.pk, ""))


# How much text a snippet made in Python (`excerpt`) shows before and after its first match.
EXCERPT_BEFORE = 40
EXCERPT_AFTER = 120


def excerpt(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The part of `text` around the first of `spans` (start, end), every span in it marked.

    For what the database cannot highlight itself (Japanese, and stemmed Russian on SQLite);
    with no span, the start of the text.
    """
    spans = sorted(spans)
    if not spans:
        return text[: EXCERPT_BEFORE + EXCERPT_AFTER]
    start = max(0, spans[0][0] - EXCERPT_BEFORE)
    stop = min(len(text), spans[0][1] + EXCERPT_AFTER)
    pieces = ["… " if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > stop:
            continue
        pieces += [text[position:span_start], MARK_START, text[span_start:span_end], MARK_END]
        position = span_end
    pieces += [text[position:stop], " …" if stop < len(text) else ""]
    return "".join(pieces)


def substring_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Where each of `words` occurs in `text`, ignoring case: Japanese matching."""
    words = sorted({word for word in words if word}, key=len, reverse=True)
    if not words:
        return []
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return [match.span() for match in pattern.finditer(text)]


def render_snippet(raw: str) -> SafeString:
    """Escape a snippet, tidy Markdown punctuation and turn the markers into `<mark>`."""
    text = " ".join(_MARKDOWN_NOISE.sub(" ", raw).split())
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # A fragment can cut through a marked word; close what the cut left open.
    html += "</mark>" * (html.count("<mark>") - html.count("</mark>"))
    return mark_safe(html)


def suggest(text: str, language: str | None = None) -> str | None:
    """A respelling of `text` with its unknown words replaced by close known ones, if any.

    Known words are those of country, area and tag names and of published titles, in
    `language` (by default the page's). Japanese gets none: it is matched by characters, and
    a respelling of kanji would be a guess.
    """
    language = _checked(language)
    if language == "ja":
        return None
    query = parse_query(text)
    words = [word for word in query.words if len(word) >= 4 and not word.isdigit()][:6]
    if not words:
        return None
    corrections = backend().corrections(words, language)
    if not corrections:
        return None

    def respell(match: re.Match) -> str:
        word = match.group(0)
        return _same_case(word, corrections.get(word.lower(), word))

    suggestion = _WORD.sub(respell, text)
    return suggestion if suggestion.lower() != text.lower() else None


def _same_case(model: str, word: str) -> str:
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def reindex(article_ids: Iterable[int]) -> None:
    """Rebuild the search entries of these articles from what the database holds now."""
    ids = sorted({pk for pk in article_ids if pk is not None})
    chunk = 2000
    for start in range(0, len(ids), chunk):
        backend().reindex(ids[start : start + chunk])


def reindex_all(batch_size: int = 5000) -> int:
    """Rebuild every article's search entry; returns how many were indexed."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        reindex(ids[start : start + batch_size])
    return len(ids)
