"""PostgreSQL search: a weighted tsvector per article (`SearchDocument`), GIN-indexed.

`websearch_to_tsquery` reads the reader's syntax, `ts_rank` ranks (with the default weights a
title hit, A, always outranks body hits, D), `ts_headline` makes snippets and pg_trgm offers
"did you mean". Each article's document is built for its language, and a search in a
language asks the way its documents were built:

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

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL

from articles.models import (
    Article,
    ArticleArea,
    ArticleCountry,
    ArticleQuerySet,
    SearchDocument,
    Tag,
    TaggedArticle,
)
from articles.search import (
    MARK_END,
    MARK_START,
    ParsedQuery,
    excerpt,
    substring_spans,
)
from countries.models import CooperationArea, Country

# The text-search configuration of each stemmed language; Japanese is indexed by bigrams.
CONFIGS = {"en": "english", "ru": "russian"}
# Word similarity (pg_trgm) a known word needs to be offered as a respelling.
SUGGESTION_THRESHOLD = 0.4
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
    """One statement that upserts the documents of the articles whose ids are given."""
    return f"""
        INSERT INTO {_qn(SearchDocument)} (article_id, vector)
        SELECT a.id, CASE a.language
            WHEN 'ja' THEN {_bigrams()}
            WHEN 'ru' THEN articles_russian_roots({_stemmed(CONFIGS["ru"])})
            ELSE {_stemmed(CONFIGS["en"])}
        END
        FROM {_qn(Article)} a CROSS JOIN LATERAL (
            SELECT (
                SELECT string_agg(t.name, ' ') FROM {_qn(TaggedArticle)} ta
                JOIN {_qn(Tag)} t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id
            ) AS tags,
            coalesce((
                SELECT string_agg({_name("c")}, ' ') FROM {_qn(ArticleCountry)} ac
                JOIN {_qn(Country)} c ON c.id = ac.country_id WHERE ac.article_id = a.id
            ), '') || ' ' || coalesce((
                SELECT string_agg({_name("ar")}, ' ') FROM {_qn(ArticleArea)} aa
                JOIN {_qn(CooperationArea)} ar ON ar.id = aa.area_id WHERE aa.article_id = a.id
            ), '') AS places
        ) linked
        WHERE a.id = ANY(%s)
        ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector
    """


def reindex(ids: list[int]) -> None:
    """Upsert the documents of these articles in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_document_sql(), [ids])


class RussianQuery(SearchQuery):
    """The reader's query in Russian, its lexemes stemmed to the roots documents hold."""

    template = "articles_russian_roots(%(function)s(%(expressions)s))"


class LexemeQuery(SearchQuery):
    """A query written in tsquery syntax, taken as it is: no parser, no dictionary."""

    template = "%(expressions)s::tsquery"


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


def _query(text: str, parsed: ParsedQuery, language: str) -> SearchQuery:
    if language == "ja":
        return LexemeQuery(bigram_query(parsed))
    if language == "ru":
        return RussianQuery(text, search_type="websearch", config=CONFIGS["ru"])
    return SearchQuery(text, search_type="websearch", config=CONFIGS["en"])


def candidate_ids(
    articles: ArticleQuerySet, text: str, parsed: ParsedQuery, limit: int, language: str
) -> list[int]:
    """Up to `limit` matching ids, newest first; nothing is ranked here.

    Known cost (issue #12): for a common word the planner walks published articles newest
    first and tests each one's vector, about `limit / share of matches` vectors (270 ms cold
    for "uranium" at 56,000 articles); copying `publish_at` and status into the search
    table would let the GIN index and a date order meet in one table.
    """
    return list(
        articles.filter(search_document__vector=_query(text, parsed, language))
        .order_by("-publish_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )


def ranked_ids(
    ids: list[int], text: str, parsed: ParsedQuery, limit: int, language: str
) -> list[int]:
    """The `limit` best of these candidates by `ts_rank` (title A weighs most), newest first
    among equals: only the candidates' vectors are read."""
    query = _query(text, parsed, language)
    return list(
        Article.objects.filter(pk__in=ids)
        .annotate(rank=SearchRank(F("search_document__vector"), query))
        .order_by("-rank", "-publish_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )


def id_list(ids: list[int]) -> RawSQL:
    """A subquery of these ids, passed as one array parameter however many there are."""
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


def snippets(ids: list[int], text: str, parsed: ParsedQuery, language: str) -> dict[int, str]:
    bodies = Article.objects.filter(pk__in=ids).order_by()
    if language == "ja":
        return {
            pk: excerpt(body, substring_spans(body, parsed.words))
            for pk, body in bodies.values_list("pk", "body")
        }
    query = _query(text, parsed, language)
    if language == "ru":
        # `ts_headline` stems the body once: it knows the words, not their roots.
        query = SearchQuery(text, search_type="websearch", config=CONFIGS["ru"]) | query
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
    word_query = f"plainto_tsquery('{CONFIGS[language]}', words.word)"
    if language == "ru":
        word_query = f"articles_russian_roots({word_query})"
    name = f"coalesce(nullif(name_{language}, ''), name)"
    sql = f"""
        WITH words AS (SELECT DISTINCT lower(word) AS word FROM unnest(%s::text[]) AS word),
        unknown AS (
            SELECT word FROM words WHERE NOT EXISTS (
                SELECT 1 FROM {_qn(SearchDocument)} document
                WHERE document.vector @@ {word_query}
                AND document.article_id IN ({published_sql})
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
        *published_params,
        SUGGESTION_THRESHOLD,
        *published_params,
        SUGGESTION_THRESHOLD,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {word: candidate for word, candidate in cursor.fetchall() if word != candidate}
