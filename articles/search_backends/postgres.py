"""PostgreSQL search: a weighted tsvector per article (`SearchDocument`), GIN-indexed.

English stemming, `websearch_to_tsquery` for the reader's syntax, `ts_rank` for relevance
(with the default weights a title hit, A, always outranks body hits, D), `ts_headline` for
snippets and pg_trgm for "did you mean".
"""

from __future__ import annotations

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F, OuterRef, Subquery
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
from articles.search import MARK_END, MARK_START, ParsedQuery
from countries.models import CooperationArea, Country

CONFIG = "english"
# Word similarity (pg_trgm) a known word needs to be offered as a respelling.
SUGGESTION_THRESHOLD = 0.4


def _names(link_model, link_field: str, name_path: str) -> Subquery:
    """The names an article links to (its tags, countries or areas), space-separated."""
    return Subquery(
        link_model.objects.filter(**{link_field: OuterRef("pk")})
        .order_by()
        .values(link_field)
        .annotate(names=StringAgg(name_path, " "))
        .values("names")
    )


def document() -> CombinedSearchVector:
    """The weighted search document of an article, computed by the database."""
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("dek", weight="B", config=CONFIG)
        + SearchVector(
            _names(TaggedArticle, "content_object", "tag__name"), weight="B", config=CONFIG
        )
        + SearchVector(
            _names(ArticleCountry, "article", "country__name"),
            _names(ArticleArea, "article", "area__name"),
            weight="C",
            config=CONFIG,
        )
        + SearchVector("body", weight="D", config=CONFIG)
    )


def reindex(ids: list[int]) -> None:
    """Upsert the documents of these articles in one statement."""
    documents = (
        Article.objects.filter(pk__in=ids).order_by().annotate(doc=document()).values("pk", "doc")
    )
    select_sql, params = documents.query.sql_with_params()
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, vector) {select_sql} "
            "ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector",
            params,
        )


def _query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def candidate_ids(
    articles: ArticleQuerySet, text: str, parsed: ParsedQuery, limit: int
) -> list[int]:
    """Up to `limit` matching ids, newest first; nothing is ranked here.

    Known cost (issue #12): for a common word the planner walks published articles newest
    first and tests each one's vector, about `limit / share of matches` vectors (270 ms cold
    for "uranium" at 56,000 articles); copying `publish_at` and status into the search
    table would let the GIN index and a date order meet in one table.
    """
    return list(
        articles.filter(search_document__vector=_query(text))
        .order_by("-publish_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )


def ranked_ids(ids: list[int], text: str, parsed: ParsedQuery, limit: int) -> list[int]:
    """The `limit` best of these candidates by `ts_rank` (title A weighs most), newest first
    among equals: only the candidates' vectors are read."""
    query = _query(text)
    return list(
        Article.objects.filter(pk__in=ids)
        .annotate(rank=SearchRank(F("search_document__vector"), query))
        .order_by("-rank", "-publish_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )


def id_list(ids: list[int]) -> RawSQL:
    """A subquery of these ids, passed as one array parameter however many there are."""
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


def snippets(ids: list[int], text: str, parsed: ParsedQuery) -> dict[int, str]:
    headlines = (
        Article.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            snippet=SearchHeadline(
                "body",
                _query(text),
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=32,
                min_words=16,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "snippet")
    )
    return dict(headlines)


def corrections(words: list[str]) -> dict[str, str]:
    """For each word no published article contains, the most similar known word.

    One statement: words that match nothing are compared (pg_trgm `word_similarity`) with
    country, area and tag names and, only when no name comes close, with published titles
    through the trigram index; the closest single word of the closest texts wins. A
    respelling is only shown when it finds published articles, so tag names need no filter.
    """
    published_sql, published_params = (
        Article.objects.published().order_by().values("pk").query.sql_with_params()
    )
    qn = connection.ops.quote_name
    sql = f"""
        WITH words AS (SELECT DISTINCT lower(word) AS word FROM unnest(%s::text[]) AS word),
        unknown AS (
            SELECT word FROM words WHERE NOT EXISTS (
                SELECT 1 FROM {qn(SearchDocument._meta.db_table)} document
                WHERE document.vector @@ plainto_tsquery(%s, words.word)
                AND document.article_id IN ({published_sql})
            )
        ),
        names AS (
            SELECT name FROM {qn(Country._meta.db_table)}
            UNION SELECT name FROM {qn(CooperationArea._meta.db_table)}
            UNION SELECT name FROM {qn(Tag._meta.db_table)}
        ),
        from_names AS (
            SELECT unknown.word, names.name AS text FROM unknown JOIN names
                ON word_similarity(unknown.word, names.name) >= %s
        ),
        from_titles AS (
            SELECT unknown.word, title.title AS text FROM unknown CROSS JOIN LATERAL (
                SELECT article.title FROM {qn(Article._meta.db_table)} article
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
        CONFIG,
        *published_params,
        SUGGESTION_THRESHOLD,
        *published_params,
        SUGGESTION_THRESHOLD,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {word: candidate for word, candidate in cursor.fetchall() if word != candidate}
