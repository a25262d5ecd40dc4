"""SQLite search: FTS5 tables with one row per article (rowid = id).

Columns: title, dek, tags, places (countries and areas), body. The migrations set each
table's `rank` to column-weighted BM25; `candidates()` adds the tiers that make a title hit
outrank any body-only hit, as on PostgreSQL. Deleting an article deletes its rows through
triggers; everything else goes through `reindex()`.

- English: `articles_search`, Porter stemmer, as always.
- Russian: the same table, but each word is stored as its root: Snowball's Russian stemmer
  (`snowballstemmer`) applied until the word stops changing, as PostgreSQL does (see
  `postgres.py` for why one pass is not enough); queries are rooted the same way. As the
  table then holds roots, snippets come from `articles.search.excerpt`, marking the words of
  the body whose root was asked for.
- Japanese: `articles_search_ja`, FTS5's `trigram` tokenizer (SQLite 3.34 or later), which
  finds any substring of three or more characters through the index. Shorter words (two
  characters, the commonest Japanese word length, or one) cannot use it and are matched
  with LIKE over the Japanese rows: correct, but a scan of them, so on SQLite a Japanese
  search that has no word of three characters costs time in proportion to the Japanese
  articles (PostgreSQL indexes bigrams and has no such case). Ranking is by where a word
  appears (title, then standfirst or tags, then the rest), then newest first.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import threading
from typing import TYPE_CHECKING

import snowballstemmer
from django.db import connection, connections

from articles.models import (
    Article,
    ArticleArea,
    ArticleCountry,
    Tag,
    TaggedArticle,
)
from articles.search import (
    LINK_KINDS,
    MARK_END,
    MARK_START,
    Candidate,
    Found,
    ParsedQuery,
    Phrase,
    excerpt,
    found_among,
    substring_spans,
    to_fts5,
)
from countries.models import CooperationArea, Country

if TYPE_CHECKING:
    from articles.facets import Selection

TABLE = "articles_search"
JAPANESE_TABLE = "articles_search_ja"
COLUMNS = ("title", "dek", "tags", "places", "body")
BODY_COLUMN = 4
# difflib ratio a known word needs to be offered as a respelling.
SUGGESTION_CUTOFF = 0.8
# The trigram tokenizer indexes nothing shorter.
TRIGRAM = 3

_WORD = re.compile(r"\w+")
# A Snowball stemmer keeps state while it works: one per thread.
_stemmers = threading.local()


# Migrations 0003 and 0012 create these triggers; SQLite drops a table's triggers whenever a
# migration rebuilds the table (as adding most columns to articles_article does), so they are
# created again after every migrate (articles.apps).
DELETE_TRIGGERS = {
    table: (
        f"CREATE TRIGGER IF NOT EXISTS {table}_delete AFTER DELETE ON articles_article "
        f"BEGIN DELETE FROM {table} WHERE rowid = old.id; END"
    )
    for table in (TABLE, JAPANESE_TABLE)
}


def ensure_delete_trigger(using: str) -> None:
    """Recreate the triggers that remove a deleted article's search rows, if they went
    missing."""
    database = connections[using]
    tables = database.introspection.table_names()
    with database.cursor() as cursor:
        for table, trigger in DELETE_TRIGGERS.items():
            if table in tables:
                cursor.execute(trigger)


@functools.lru_cache(maxsize=50_000)
def russian_root(word: str) -> str:
    """`word` stemmed until it stops changing: "саммит", "саммита", "саммите" give `самм`."""
    if not hasattr(_stemmers, "russian"):
        _stemmers.russian = snowballstemmer.stemmer("russian")
    word = word.lower()
    for _ in range(5):
        stem = _stemmers.russian.stemWord(word)
        if stem == word:
            break
        word = stem
    return word


def russian_roots(text: str | None) -> str:
    """`text` with each word replaced by its root: what a Russian row holds."""
    return _WORD.sub(lambda match: russian_root(match.group(0)), text or "")


def _rooted(parsed: ParsedQuery) -> ParsedQuery:
    def rooted(phrase: Phrase) -> Phrase:
        return Phrase(tuple(russian_root(word) for word in phrase.words))

    return ParsedQuery(
        tuple(tuple(rooted(phrase) for phrase in clause) for clause in parsed.required),
        tuple(rooted(phrase) for phrase in parsed.excluded),
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rows_sql(table: str, language_condition: str, wrap: str = "{}") -> str:
    """INSERT … SELECT of the rows of the articles whose ids are given, in `table`."""

    def name(alias: str) -> str:
        translated = " ".join(
            f"WHEN '{code}' THEN {alias}.name_{code}" for code in Article.Language.values
        )
        return f"coalesce(nullif(CASE a.language {translated} END, ''), {alias}.name)"

    tagged, tag = _table(TaggedArticle), _table(Tag)
    linked_country, country = _table(ArticleCountry), _table(Country)
    linked_area, area = _table(ArticleArea), _table(CooperationArea)
    columns = [
        "a.title",
        "a.dek",
        f"""coalesce((SELECT group_concat(t.name, ' ') FROM {tagged} ta
            JOIN {tag} t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id), '')""",
        f"""coalesce((SELECT group_concat({name("c")}, ' ') FROM {linked_country} ac
            JOIN {country} c ON c.id = ac.country_id WHERE ac.article_id = a.id), '')
        || ' ' ||
        coalesce((SELECT group_concat({name("ar")}, ' ') FROM {linked_area} aa
            JOIN {area} ar ON ar.id = aa.area_id WHERE aa.article_id = a.id), '')""",
        "a.body",
    ]
    return f"""
        INSERT INTO {table} (rowid, {", ".join(COLUMNS)})
        SELECT a.id, {", ".join(wrap.format(column) for column in columns)}
        FROM {_table(Article)} a WHERE a.id IN (SELECT value FROM json_each(%s))
        AND {language_condition}
    """


def reindex(ids: list[int]) -> None:
    """Replace the FTS rows of these articles with what the database holds now."""
    connection.ensure_connection()
    connection.connection.create_function(
        "articles_russian_roots", 1, russian_roots, deterministic=True
    )
    ids_json = json.dumps(ids)
    with connection.cursor() as cursor:
        for table in (TABLE, JAPANESE_TABLE):
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid IN (SELECT value FROM json_each(%s))",
                [ids_json],
            )
        cursor.execute(_rows_sql(TABLE, "a.language = 'en'"), [ids_json])
        cursor.execute(
            _rows_sql(TABLE, "a.language = 'ru'", wrap="articles_russian_roots({})"), [ids_json]
        )
        cursor.execute(_rows_sql(JAPANESE_TABLE, "a.language = 'ja'"), [ids_json])


def _like(word: str, columns=COLUMNS) -> tuple[str, list[str]]:
    """`word` anywhere in one of `columns` of a Japanese row.

    The ESCAPE clause matters beyond escaping: without it SQLite 3.40's trigram tokenizer
    answers a LIKE of two multibyte characters from its index, and finds nothing.
    """
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", word) + "%"
    sql = " OR ".join(f"s.{column} LIKE %s ESCAPE '\\'" for column in columns)
    return f"({sql})", [pattern] * len(columns)


def _all_of(conditions: list[tuple[str, list]], joiner: str = " AND ") -> tuple[str, list]:
    return (
        "(" + joiner.join(sql for sql, _ in conditions) + ")",
        [param for _, params in conditions for param in params],
    )


def _japanese_filter(parsed: ParsedQuery) -> tuple[str, list]:
    """The WHERE condition, over `articles_search_ja s`, of a Japanese query.

    Clauses whose words all have three characters or more go to the trigram index (MATCH);
    the others, and exclusions, are LIKE conditions tested on the rows the index found.
    """
    indexed, tested = [], []
    for clause in parsed.required:
        if all(len(word) >= TRIGRAM for phrase in clause for word in phrase.words):
            indexed.append(
                " OR ".join(
                    "(" + " AND ".join(f'"{word}"' for word in phrase.words) + ")"
                    for phrase in clause
                )
            )
        else:
            tested.append(
                _all_of(
                    [_all_of([_like(word) for word in phrase.words]) for phrase in clause],
                    " OR ",
                )
            )
    for phrase in parsed.excluded:
        sql, params = _all_of([_like(word) for word in phrase.words])
        tested.append((f"NOT {sql}", params))
    if indexed:
        match = " AND ".join(f"({clause})" for clause in indexed)
        tested.insert(0, (f"s.{JAPANESE_TABLE} MATCH %s", [match]))
    return _all_of(tested)


def found(
    text: str, parsed: ParsedQuery, language: str, within: Selection | None, limit: int
) -> Found:
    """The newest `limit` matches, ranked, whether more matched, and their facet counts."""
    return found_among(candidates(text, parsed, language, within, limit + 1), limit)


def candidates(
    text: str, parsed: ParsedQuery, language: str, within: Selection | None, limit: int
) -> list[Candidate]:
    """Up to `limit` matches, newest first, each with its rank and links.

    The rank tiers are those of PostgreSQL's weights: title hits first, then standfirst or
    tag hits, then the rest; BM25 orders each tier (FTS5's BM25 applies column weights before
    term-frequency saturation, so a body that repeats a word could outscore a title that has
    it once; hence the explicit tiers). The CROSS JOIN makes SQLite run the full-text match
    once and look articles up by id, rather than run the match again for every published
    article.
    """
    articles = Article.objects.published().in_language(language)
    if within is not None:
        articles = within.apply(articles)
    allowed_sql, allowed_params = articles.order_by().values("pk").query.sql_with_params()
    if language == "ja":
        table, (condition, params) = JAPANESE_TABLE, _japanese_filter(parsed)
        tiers, tier_params = _japanese_tiers(parsed)
        bm25 = "0"
    else:
        if language == "ru":
            parsed = _rooted(parsed)
        table, condition, params = TABLE, f"s.{TABLE} MATCH %s", [to_fts5(parsed)]
        tiers, tier_params = _tiers(parsed)
        bm25 = "s.rank"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT a.id, {tiers}, {bm25} FROM {table} s
            CROSS JOIN {_table(Article)} a ON a.id = s.rowid
            WHERE {condition} AND a.id IN ({allowed_sql})
            ORDER BY a.publish_at DESC, a.id DESC LIMIT %s
            """,
            [*tier_params, *params, *allowed_params, limit],
        )
        found = [(pk, (tier, bm25)) for pk, tier, bm25 in cursor.fetchall()]
    links = _links([pk for pk, _ in found])
    return [
        Candidate(pk, order, *(links[kind].get(pk, ()) for kind in LINK_KINDS))
        for pk, order in found
    ]


def _tiers(parsed: ParsedQuery) -> tuple[str, list[str]]:
    """0 for a title hit, 1 for a standfirst or tag hit, 2 for the rest, of `articles_search s`."""
    any_phrase = " OR ".join(
        '"' + " ".join(phrase.words) + '"' for clause in parsed.required for phrase in clause
    )
    in_columns = f"s.rowid IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)"
    return (
        f"CASE WHEN {in_columns} THEN 0 WHEN {in_columns} THEN 1 ELSE 2 END",
        [f"{{title}} : ({any_phrase})", f"{{dek tags}} : ({any_phrase})"],
    )


def _japanese_tiers(parsed: ParsedQuery) -> tuple[str, list[str]]:
    """The same tiers for `articles_search_ja s`, by substring."""
    in_title = _all_of([_like(word, ("title",)) for word in parsed.words], " OR ")
    in_dek_or_tags = _all_of([_like(word, ("dek", "tags")) for word in parsed.words], " OR ")
    return (
        f"CASE WHEN {in_title[0]} THEN 0 WHEN {in_dek_or_tags[0]} THEN 1 ELSE 2 END",
        [*in_title[1], *in_dek_or_tags[1]],
    )


def _links(ids: list[int]) -> dict[str, dict[int, list[int]]]:
    """The countries, areas and tags of these articles, in one query."""
    links: dict[str, dict[int, list[int]]] = {kind: {} for kind in LINK_KINDS}
    if not ids:
        return links
    ids_json = json.dumps(ids)
    parts = [
        f"SELECT %s, {article}, {target} FROM {_table(model)} "
        f"WHERE {article} IN (SELECT value FROM json_each(%s))"
        for model, article, target in (
            (ArticleCountry, "article_id", "country_id"),
            (ArticleArea, "article_id", "area_id"),
            (TaggedArticle, "content_object_id", "tag_id"),
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(parts),
            [value for kind in LINK_KINDS for value in (kind, ids_json)],
        )
        for kind, article, target in cursor.fetchall():
            links[kind].setdefault(article, []).append(target)
    return links


def snippets(ids: list[int], text: str, parsed: ParsedQuery, language: str) -> dict[int, str]:
    if language == "ja":
        bodies = Article.objects.filter(pk__in=ids).values_list("pk", "body")
        return {pk: excerpt(body, substring_spans(body, parsed.words)) for pk, body in bodies}
    if language == "ru":
        roots = {russian_root(word) for word in parsed.words}
        bodies = Article.objects.filter(pk__in=ids).values_list("pk", "body")
        return {
            pk: excerpt(
                body,
                [m.span() for m in _WORD.finditer(body) if russian_root(m.group(0)) in roots],
            )
            for pk, body in bodies
        }
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet({TABLE}, {BODY_COLUMN}, %s, %s, ' … ', 28) FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND rowid IN ({placeholders})",
            [MARK_START, MARK_END, to_fts5(parsed), *ids],
        )
        return dict(cursor.fetchall())


def corrections(words: list[str], language: str) -> dict[str, str]:
    """For each word that is not a known name word, the closest one (difflib), if close.

    Known words come from country, area and tag names in `language`, in one query. A
    respelling is only shown when it finds published articles, so names used only by drafts
    reveal nothing.
    """
    name = f"coalesce(nullif(name_{language}, ''), name)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {name} FROM {_table(Country)} UNION SELECT {name} "
            f"FROM {_table(CooperationArea)} UNION SELECT name FROM {_table(Tag)}"
        )
        names = [row[0] for row in cursor.fetchall()]
    vocabulary = {word for name in names for word in _WORD.findall(name.lower()) if len(word) >= 4}
    found = {}
    for word in words:
        if word in vocabulary:
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=SUGGESTION_CUTOFF)
        if close:
            found[word] = close[0]
    return found
