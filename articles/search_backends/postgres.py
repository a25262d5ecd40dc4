"""PostgreSQL search: a weighted tsvector per article (`SearchDocument`), GIN-indexed.

`websearch_to_tsquery` reads the reader's syntax, `ts_rank` of the document's `head` (its
vector without the body) ranks, `ts_headline` makes snippets and pg_trgm offers "did you
mean". A search reads the search documents alone (`found_statement`): they carry copies
of what it filters, orders and counts by (`SearchDocument`). Each article's document is built
for its language, and a search in a language asks the way its documents were built:

- English: the `english` configuration (Snowball stemming), as always.
- Russian: the `russian` configuration, and then every lexeme stemmed again until it stops
  changing (`articles_russian_roots`, migration 0012), in documents and queries alike.
  Snowball's Russian stemmer strips verb endings from nouns, so one pass leaves "саммит" as
  `самм` but "саммита" as `саммит`, "Астана" as `аста` but "Астане" as `астан`; stemmed to a
  fixed point, every form of these reaches one root, and positions and weights stay as they
  were, so phrases and ranking work as in English.
- Japanese, which has no spaces and no stemmer: every character of a word is indexed as the
  bigram it starts (the last one of a word as itself), at its position
  (`articles_bigram_tsvector`, migration 0012), in the same GIN-indexed column. A query word
  of two characters is one lexeme ("会議" in "首脳会議が東京で開かれた" is found through the
  index alone), a longer one its bigrams in a row (`'首脳' <-> '脳会' <-> '会議'`), a single
  character a prefix (`'会':*`). This beats pg_trgm here: a trigram index cannot serve a
  two-character LIKE (pg_trgm extracts no trigram from `%会議%`, so every Japanese row would
  be read), and its matches could not share the ranking, phrase and exclusion machinery of
  the other languages. Words are matched as substrings; quoted Japanese words are each
  required, not required to be adjacent (Japanese is not written with spaces between them).
  Snippets come from `articles.search.excerpt`, as `ts_headline` cannot cut unsegmented text.
  Python and PostgreSQL must agree on word characters and lower case (they do in C.UTF-8;
  `tests/articles/test_search_languages.py` checks).
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

import snowballstemmer
from django.contrib.postgres.search import SearchHeadline, SearchQueryField
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from articles.models import (
    Article,
    ArticleArea,
    ArticleCountry,
    SearchDocument,
    Tag,
    TaggedArticle,
    published_condition,
)
from articles.search import (
    EXCERPT_AFTER,
    LINK_KINDS,
    MARK_END,
    MARK_START,
    Found,
    ParsedQuery,
    any_word,
    excerpt,
    substring_spans,
)
from countries.models import CooperationArea, Country
from summit.cache import cached_for_content

if TYPE_CHECKING:
    from articles.facets import Selection

# The text-search configuration of each stemmed language; Japanese is indexed by bigrams.
CONFIGS = {"en": "english", "ru": "russian"}
# Word similarity (pg_trgm) a known word needs to be offered as a respelling.
SUGGESTION_THRESHOLD = 0.4
_WORD = re.compile(r"\w+")
# A Snowball stemmer keeps state while it works: one per thread.
_stemmers = threading.local()
# What a document holds and how much each part weighs.
FIELDS = (
    ("a.title", "A"),
    ("a.dek", "B"),
    ("linked.tags", "B"),
    ("linked.places", "C"),
    ("a.body", "D"),
)


def _qn(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _name(alias: str) -> str:
    """A country's or area's name in the article's language, English when not translated."""
    translated = " ".join(
        f"WHEN '{code}' THEN {alias}.name_{code}" for code in Article.Language.values
    )
    return f"coalesce(nullif(CASE a.language {translated} END, ''), {alias}.name)"


def _stemmed(config: str) -> str:
    return " || ".join(
        f"setweight(to_tsvector('{config}', coalesce({text}, '')), '{weight}')"
        for text, weight in FIELDS
    )


def _bigrams() -> str:
    return " || ".join(
        f"setweight(articles_bigram_tsvector(coalesce({text}, '')), '{weight}')"
        for text, weight in FIELDS
    )


def _document_sql() -> str:
    """One statement that upserts the documents of the articles whose ids are given: the
    vector, its `head` (everything but the body, which ranks) and the copies a search
    filters and counts by."""
    return f"""
        INSERT INTO {_qn(SearchDocument)}
            (article_id, vector, head, language, status, publish_at, countries, areas, tags)
        SELECT a.id, document.vector, ts_filter(document.vector, '{{a,b,c}}'),
            a.language, a.status, a.publish_at,
            coalesce(countries.ids, '{{}}'), coalesce(areas.ids, '{{}}'), coalesce(tags.ids, '{{}}')
        FROM {_qn(Article)} a
        CROSS JOIN LATERAL (
            SELECT string_agg(t.name, ' ') AS names, array_agg(t.id ORDER BY t.id) AS ids
            FROM {_qn(TaggedArticle)} ta JOIN {_qn(Tag)} t ON t.id = ta.tag_id
            WHERE ta.content_object_id = a.id
        ) tags
        CROSS JOIN LATERAL (
            SELECT string_agg({_name("c")}, ' ') AS names, array_agg(c.id ORDER BY c.id) AS ids
            FROM {_qn(ArticleCountry)} ac JOIN {_qn(Country)} c ON c.id = ac.country_id
            WHERE ac.article_id = a.id
        ) countries
        CROSS JOIN LATERAL (
            SELECT string_agg({_name("ar")}, ' ') AS names, array_agg(ar.id ORDER BY ar.id) AS ids
            FROM {_qn(ArticleArea)} aa JOIN {_qn(CooperationArea)} ar ON ar.id = aa.area_id
            WHERE aa.article_id = a.id
        ) areas
        CROSS JOIN LATERAL (
            SELECT tags.names AS tags,
                coalesce(countries.names, '') || ' ' || coalesce(areas.names, '') AS places
        ) linked
        CROSS JOIN LATERAL (
            SELECT CASE a.language
                WHEN 'ja' THEN {_bigrams()}
                WHEN 'ru' THEN articles_russian_roots({_stemmed(CONFIGS["ru"])})
                ELSE {_stemmed(CONFIGS["en"])}
            END AS vector
        ) document
        WHERE a.id = ANY(%s)
        ON CONFLICT (article_id) DO UPDATE SET
            vector = EXCLUDED.vector, head = EXCLUDED.head, language = EXCLUDED.language,
            status = EXCLUDED.status, publish_at = EXCLUDED.publish_at,
            countries = EXCLUDED.countries, areas = EXCLUDED.areas, tags = EXCLUDED.tags
    """


def reindex(ids: list[int]) -> None:
    """Upsert the documents of these articles in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_document_sql(), [ids])


def bigram_query(parsed: ParsedQuery) -> str:
    """The tsquery (as text) that finds each Japanese word of `parsed` as a substring."""

    def word(text: str) -> str:
        if len(text) == 1:
            return f"'{text}':*"
        return " <-> ".join(f"'{text[i : i + 2]}'" for i in range(len(text) - 1))

    def phrase(words: tuple[str, ...]) -> str:
        return " & ".join(f"({word(text)})" for text in words)

    expression = " & ".join(
        "(" + " | ".join(f"({phrase(p.words)})" for p in clause) + ")" for clause in parsed.required
    )
    for excluded in parsed.excluded:
        expression += f" & !({phrase(excluded.words)})"
    return expression


def _query_sql(text: str, parsed: ParsedQuery, language: str) -> tuple[str, list[str]]:
    """The reader's query as a tsquery, in SQL with its parameters, the way documents in
    `language` were built: `websearch_to_tsquery` for English, the same reduced to roots for
    Russian, bigrams for Japanese (written out: compiling `SearchQuery` expressions through
    the ORM cost more than the rest of building the search statement)."""
    if language == "ja":
        return "%s::tsquery", [bigram_query(parsed)]
    sql = f"websearch_to_tsquery('{CONFIGS[language]}', %s)"
    return (f"articles_russian_roots({sql})" if language == "ru" else sql), [text]


def _documents(language: str, within: Selection | None) -> QuerySet[SearchDocument]:
    """Documents of published articles in `language` and the selection, by their copies."""
    documents = SearchDocument.objects.filter(published_condition(), language=language)
    if within is not None:
        if within.country is not None:
            documents = documents.filter(countries__contains=[within.country.pk])
        if within.area is not None:
            documents = documents.filter(areas__contains=[within.area.pk])
        if within.tags:
            documents = documents.filter(tags__contains=[tag.pk for tag in within.tags])
    return documents


def _has_phrase(parsed: ParsedQuery, language: str) -> bool:
    """Whether the tsquery of `parsed` holds a phrase (`<->`), which the GIN index cannot
    confirm: each document it leads to must then be read to check the words' positions."""
    if language == "ja":  # a word of three characters or more is a phrase of its bigrams
        return any(len(word) > 2 for word in parsed.words)
    return any(len(phrase.words) > 1 for clause in parsed.required for phrase in clause)


def _loosened(query_sql: str) -> str:
    """The tsquery `query_sql` with each phrase relaxed to its words, all required, and
    exclusions dropped: matches a superset, which the GIN index answers without reading the
    documents. `querytree` drops exclusions (and answers T when nothing is left to index);
    `<->` and `<N>` bind tighter than `&`, so replacing them keeps the rest of the query."""
    return (
        f"(CASE WHEN querytree({query_sql}) = 'T' THEN {query_sql} ELSE "
        f"regexp_replace(querytree({query_sql}), '<(?:\\d+|-)>', '&', 'g')::tsquery END)"
    )


# A search reads the matches among about this many newest published articles of its
# language first, and all matches only when fewer than it needs are there: a common word then
# costs its matches among these, not among every document. A btree on the publish time
# (`articles_searchdocument_newest`, migration 0026) serves the window: the planner intersects
# it with the words' GIN bitmap when its estimate says the words are common, and otherwise
# checks the time on the few documents the words lead to.
RECENT_DOCUMENTS = 10_000


def _recent_since(language: str) -> datetime | None:
    """The publish time of the `RECENT_DOCUMENTS`th newest published article in `language`;
    None when there are no more than that.

    Shared until the content changes. Any value gives the same results (all matches are read
    whenever the recent ones fall short); it only decides how much is read.
    """

    def compute() -> datetime | None:
        newest = Article.objects.published().in_language(language).order_by("-publish_at", "-pk")
        return newest.values_list("publish_at", flat=True)[RECENT_DOCUMENTS - 1 :].first()

    return cached_for_content(f"search:recent-since:{language}:{RECENT_DOCUMENTS}", compute)


# How far below the rows wanted PostgreSQL's estimate of the recent matches may fall while
# the recent documents are still searched first: it multiplies the words' frequencies as if
# they were independent, and a reader's words go together ("rail freight": estimated 309 of
# the newest 10,000, found 1,288 at 100,000 articles).
ESTIMATE_MARGIN = 4


def _expects_enough(sql: str, params: list, wanted: int) -> bool:
    """Whether PostgreSQL's estimate of the rows of `sql` (from the words' frequencies in its
    statistics) comes within `ESTIMATE_MARGIN` of `wanted`.

    For words that match a few hundred documents the recent ones hold too few, and reading
    them first only added a second pass over the same documents (2-4 ms of a 4 ms search);
    the plan's estimate costs half a millisecond. A wrong guess only costs time: the search
    finds the same results either way.
    """
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + connection.ops.compose_sql(sql, params))
        (plan,) = cursor.fetchone()[0]
    return plan["Plan"]["Plan Rows"] * ESTIMATE_MARGIN >= wanted


def found(
    text: str, parsed: ParsedQuery, language: str, within: Selection | None, limit: int
) -> Found:
    """The newest `limit` matches, most relevant first, whether more matched, and how many
    of them link to each country, area and tag: one statement over the search documents
    (`found_statement`), run with only the GIN index to reach them
    (`articles_search_by_index`, migration 0020), answering one row."""
    statement = found_statement(text, parsed, language, within, limit)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM articles_search_by_index(%s) AS found (matched bigint,"
            " ranked bigint[], countries text, areas text, tags text)",
            [statement],
        )
        matched, ranked, *linked = cursor.fetchone()
    counts = {
        kind: {int(pk): n for pk, n in Counter((ids or "").split()).items()}
        for kind, ids in zip(LINK_KINDS, linked, strict=True)
    }
    return Found(ranked or [], matched > limit, counts)


def found_statement(
    text: str, parsed: ParsedQuery, language: str, within: Selection | None, limit: int
) -> str:
    """The statement `found()` runs, its parameters written in.

    It reads the newest `limit` + 1 matches (one more tells that there were more), ranks
    the newest `limit` of them and answers one row: how many it read, their ids most
    relevant first, and the ids of their countries, areas and tags, each kind as one string
    of ids, which `found()` counts. A thousand rows of id arrays took longer to send and
    read than ranking them; counting in SQL (unnest, GROUP BY) took five times longer than
    splitting a string and counting in Python.

    The rank is `ts_rank` of the document's `head` (title A, standfirst and tags B, countries
    and areas C) against any of the query's words, so a title hit outranks a standfirst hit,
    which outranks a body-only hit (rank 0), newest first among equals; only the candidates'
    heads are read, never their vectors. The recent documents are searched first
    (`RECENT_DOCUMENTS`), all of them only if the recent ones gave too few. A query with a
    phrase first finds the documents that have all its words (through the index alone),
    newest first, and reads their vectors in that order only until enough have the phrase,
    rather than reading every document with the words.
    """
    documents = _documents(language, within).query
    where_sql, where_params = documents.get_compiler(connection=connection).compile(documents.where)
    query_sql, query_params = _query_sql(text, parsed, language)
    rank_sql, rank_params = _query_sql(" or ".join(parsed.words), any_word(parsed), language)
    newest = "ORDER BY publish_at DESC, article_id DESC"
    columns = "article_id, publish_at, head, countries, areas, tags"
    wanted = limit + 1

    def matches(period: str, period_params: list) -> tuple[str, list]:
        """The newest `wanted` matches published in `period` (an SQL condition)."""
        where = f"{where_sql} AND {period}"
        if _has_phrase(parsed, language):
            sql = f"""
                SELECT {columns} FROM (
                    SELECT {columns}, vector FROM {_qn(SearchDocument)}
                    WHERE {where} AND vector @@ {_loosened(query_sql)} {newest} OFFSET 0
                ) with_words WHERE vector @@ {query_sql} {newest} LIMIT %s
            """
            return sql, [*where_params, *period_params, *query_params * 3, *query_params, wanted]
        sql = f"""
            SELECT {columns} FROM {_qn(SearchDocument)}
            WHERE {where} AND vector @@ {query_sql} {newest} LIMIT %s
        """
        return sql, [*where_params, *period_params, *query_params, wanted]

    everything, everything_params = matches("TRUE", [])
    since = _recent_since(language)
    if since is not None:
        probe = f"SELECT 1 FROM {_qn(SearchDocument)} WHERE {where_sql} AND publish_at >= %s"
        probe += f" AND vector @@ {query_sql}"
        if not _expects_enough(probe, [*where_params, since, *query_params], wanted):
            since = None
    if since is None:
        prelude, prelude_params = "", []
        found, found_params = everything, everything_params
    else:
        recent, recent_params = matches("publish_at >= %s", [since])
        prelude = f"recent AS MATERIALIZED ({recent}),"
        prelude_params = recent_params
        # Exactly one side runs: the recent matches when there are enough of them (they
        # are then the newest overall), otherwise all matches.
        found = f"""
            SELECT * FROM recent WHERE (SELECT count(*) FROM recent) >= %s
            UNION ALL
            SELECT * FROM ({everything}) every WHERE (SELECT count(*) FROM recent) < %s
        """
        found_params = [wanted, *everything_params, wanted]

    def joined(links: str) -> str:
        return f"(SELECT string_agg(array_to_string({links}, ' '), ' ') FROM considered)"

    statement = f"""
        WITH {prelude}
        matched AS MATERIALIZED ({found}),
        considered AS MATERIALIZED (SELECT * FROM matched {newest} LIMIT %s)
        SELECT (SELECT count(*) FROM matched),
            (SELECT array_agg(article_id ORDER BY rank DESC, publish_at DESC, article_id DESC)
                FROM (SELECT article_id, publish_at, coalesce(ts_rank(head, {rank_sql}), 0) AS rank
                    FROM considered) ranked),
            {joined("countries")}, {joined("areas")}, {joined("tags")}
    """
    params = [*prelude_params, *found_params, limit, *rank_params]
    return connection.ops.compose_sql(statement, params)


@functools.lru_cache(maxsize=50_000)
def english_stem(word: str) -> str:
    """`word` as the `english` configuration stems it (both are Snowball's English stemmer)."""
    if not hasattr(_stemmers, "english"):
        _stemmers.english = snowballstemmer.stemmer("english")
    return _stemmers.english.stemWord(word.lower())


def english_spans(body: str, lexemes: set[str]) -> list[tuple[int, int]]:
    """Where the words of `body` whose stem is one of `lexemes` are, as far as a snippet of
    the first of them reaches (`excerpt()` shows nothing further): stemming every word of
    every body on a page of results took 5 ms."""
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(body):
        if spans and match.start() >= spans[0][1] + EXCERPT_AFTER:
            break
        if english_stem(match.group(0)) in lexemes:
            spans.append(match.span())
    return spans


def snippets(ids: list[int], text: str, parsed: ParsedQuery, language: str) -> dict[int, str]:
    """Body text around the first match, the matches marked.

    English bodies are marked here, word by word, with the query's own lexemes (as the
    `english` configuration reads the query, so stop words are never marked): `ts_headline`
    would parse and stem every body in the database, several milliseconds for a page.
    """
    bodies = Article.objects.filter(pk__in=ids).order_by()
    if language == "ja":
        return {
            pk: excerpt(body, substring_spans(body, parsed.words))
            for pk, body in bodies.values_list("pk", "body")
        }
    if language == "en":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT a.id, a.body, tsvector_to_array(to_tsvector('{CONFIGS['en']}', %s))"
                f" FROM {_qn(Article)} a WHERE a.id = ANY(%s)",
                [text, ids],
            )
            rows = cursor.fetchall()
        return {pk: excerpt(body, english_spans(body, set(lexemes))) for pk, body, lexemes in rows}
    # Russian. `ts_headline` stems the body once: it knows the words, not their roots.
    roots_sql, roots_params = _query_sql(text, parsed, language)
    query = RawSQL(
        f"websearch_to_tsquery('{CONFIGS[language]}', %s) || {roots_sql}",
        [text, *roots_params],
        output_field=SearchQueryField(),
    )
    headlines = bodies.annotate(
        snippet=SearchHeadline(
            "body",
            query,
            config=CONFIGS[language],
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=32,
            min_words=16,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    ).values_list("pk", "snippet")
    return dict(headlines)


def corrections(words: list[str], language: str) -> dict[str, str]:
    """For each word no published article in `language` contains, the most similar known word.

    One statement: words that match nothing are compared (pg_trgm `word_similarity`) with
    country, area and tag names and, only when no name comes close, with published titles
    through the trigram index; the closest single word of the closest texts wins. A
    respelling is only shown when it finds published articles, so tag names need no filter.
    """
    published_sql, published_params = (
        Article.objects.published().in_language(language).order_by().values("pk").query
    ).sql_with_params()
    documents = _documents(language, None).query
    visible_sql, visible_params = documents.get_compiler(connection=connection).compile(
        documents.where
    )
    word_query = f"plainto_tsquery('{CONFIGS[language]}', words.word)"
    if language == "ru":
        word_query = f"articles_russian_roots({word_query})"
    name = f"coalesce(nullif(name_{language}, ''), name)"
    sql = f"""
        WITH words AS (SELECT DISTINCT lower(word) AS word FROM unnest(%s::text[]) AS word),
        unknown AS (
            SELECT word FROM words WHERE NOT EXISTS (
                SELECT 1 FROM {_qn(SearchDocument)}
                WHERE {_qn(SearchDocument)}.vector @@ {word_query} AND {visible_sql}
            )
        ),
        names AS (
            SELECT {name} AS name FROM {_qn(Country)}
            UNION SELECT {name} FROM {_qn(CooperationArea)}
            UNION SELECT name FROM {_qn(Tag)}
        ),
        from_names AS (
            SELECT unknown.word, names.name AS text FROM unknown JOIN names
                ON word_similarity(unknown.word, names.name) >= %s
        ),
        from_titles AS (
            SELECT unknown.word, title.title AS text FROM unknown CROSS JOIN LATERAL (
                SELECT article.title FROM {_qn(Article)} article
                WHERE unknown.word <%% article.title AND article.id IN ({published_sql})
                LIMIT 20
            ) title
            WHERE unknown.word NOT IN (SELECT word FROM from_names)
        )
        SELECT DISTINCT ON (word) word, candidate
        FROM (SELECT * FROM from_names UNION ALL SELECT * FROM from_titles) candidates,
            regexp_split_to_table(lower(text), '[^[:alnum:]]+') AS candidate
        WHERE candidate <> '' AND similarity(word, candidate) >= %s
        ORDER BY word, similarity(word, candidate) DESC, candidate
    """
    params = [
        words,
        *visible_params,
        SUGGESTION_THRESHOLD,
        *published_params,
        SUGGESTION_THRESHOLD,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {word: candidate for word, candidate in cursor.fetchall() if word != candidate}
