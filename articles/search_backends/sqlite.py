"""SQLite search: an FTS5 table, `articles_search`, with one row per article (rowid = id).

Columns: title, dek, tags, places (countries and areas), body; the Porter stemmer gives
English stemming. The migration sets the table's `rank` to column-weighted BM25; `search()`
adds the tiers that make a title hit outrank any body-only hit, as on PostgreSQL. Deleting an
article deletes its row through a trigger; everything else goes through `reindex()`.
"""

from __future__ import annotations

import difflib
import json
import re

from django.db import connection, connections
from django.db.models.expressions import RawSQL

from articles.models import (
    Article,
    ArticleArea,
    ArticleCountry,
    ArticleQuerySet,
    Tag,
    TaggedArticle,
)
from articles.search import MARK_END, MARK_START, ParsedQuery, to_fts5
from countries.models import CooperationArea, Country

TABLE = "articles_search"
BODY_COLUMN = 4
# difflib ratio a known word needs to be offered as a respelling.
SUGGESTION_CUTOFF = 0.8


# Migration 0003 creates this trigger; SQLite drops a table's triggers whenever a migration
# rebuilds the table (as adding most columns to articles_article does), so it is created
# again after every migrate (articles.apps).
DELETE_TRIGGER = (
    f"CREATE TRIGGER IF NOT EXISTS articles_search_delete AFTER DELETE ON articles_article "
    f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END"
)


def ensure_delete_trigger(using: str) -> None:
    """Recreate the trigger that removes a deleted article's search row, if it went missing."""
    database = connections[using]
    if TABLE in database.introspection.table_names():
        with database.cursor() as cursor:
            cursor.execute(DELETE_TRIGGER)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def reindex(ids: list[int]) -> None:
    """Replace the FTS rows of these articles with what the database holds now."""
    placeholders = ", ".join(["%s"] * len(ids))
    article, tagged, tag = _table(Article), _table(TaggedArticle), _table(Tag)
    linked_country, country = _table(ArticleCountry), _table(Country)
    linked_area, area = _table(ArticleArea), _table(CooperationArea)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({placeholders})", ids)
        cursor.execute(
            f"""
            INSERT INTO {TABLE} (rowid, title, dek, tags, places, body)
            SELECT a.id, a.title, a.dek,
                coalesce((SELECT group_concat(t.name, ' ') FROM {tagged} ta
                          JOIN {tag} t ON t.id = ta.tag_id
                          WHERE ta.content_object_id = a.id), ''),
                coalesce((SELECT group_concat(c.name, ' ') FROM {linked_country} ac
                          JOIN {country} c ON c.id = ac.country_id
                          WHERE ac.article_id = a.id), '')
                || ' ' ||
                coalesce((SELECT group_concat(ar.name, ' ') FROM {linked_area} aa
                          JOIN {area} ar ON ar.id = aa.area_id
                          WHERE aa.article_id = a.id), ''),
                a.body
            FROM {article} a WHERE a.id IN ({placeholders})
            """,
            ids,
        )


def candidate_ids(
    articles: ArticleQuerySet, text: str, parsed: ParsedQuery, limit: int
) -> list[int]:
    """Up to `limit` matching ids, newest first, without ranking anything.

    The CROSS JOIN makes SQLite run the full-text match once and look articles up by id,
    rather than run the match again for every published article.
    """
    allowed_sql, allowed_params = articles.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT a.id FROM {TABLE} s CROSS JOIN {_table(Article)} a ON a.id = s.rowid
            WHERE s.{TABLE} MATCH %s AND a.id IN ({allowed_sql})
            ORDER BY a.publish_at DESC, a.id DESC LIMIT %s
            """,
            [to_fts5(parsed), *allowed_params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def ranked_ids(ids: list[int], text: str, parsed: ParsedQuery, limit: int) -> list[int]:
    """The `limit` best of these candidates, ranked as PostgreSQL's weights rank them: title
    hits first, then standfirst or tag hits, then the rest; BM25 orders each tier, recency
    breaks ties.

    FTS5's BM25 applies column weights before term-frequency saturation, so a body that
    repeats a word can outscore a title that has it once; hence the explicit tiers.
    """
    if not ids:
        return []
    any_phrase = " OR ".join(
        '"' + " ".join(phrase.words) + '"' for clause in parsed.required for phrase in clause
    )
    in_columns = f"s.rowid IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT s.rowid FROM {TABLE} s CROSS JOIN {_table(Article)} a ON a.id = s.rowid
            WHERE s.{TABLE} MATCH %s AND s.rowid IN (SELECT value FROM json_each(%s))
            ORDER BY CASE WHEN {in_columns} THEN 0 WHEN {in_columns} THEN 1 ELSE 2 END,
                s.rank, a.publish_at DESC, a.id DESC
            LIMIT %s
            """,
            [
                to_fts5(parsed),
                json.dumps(ids),
                f"{{title}} : ({any_phrase})",
                f"{{dek tags}} : ({any_phrase})",
                limit,
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def id_list(ids: list[int]) -> RawSQL:
    """A subquery of these ids, passed as one JSON parameter however many there are."""
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


def snippets(ids: list[int], text: str, parsed: ParsedQuery) -> dict[int, str]:
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, snippet({TABLE}, {BODY_COLUMN}, %s, %s, ' … ', 28) FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND rowid IN ({placeholders})",
            [MARK_START, MARK_END, to_fts5(parsed), *ids],
        )
        return dict(cursor.fetchall())


def corrections(words: list[str]) -> dict[str, str]:
    """For each word that is not a known name word, the closest one (difflib), if close.

    Known words come from country, area and tag names, in one query. A respelling is only
    shown when it finds published articles, so names used only by drafts reveal nothing.
    """
    names = (
        Country.objects.order_by()
        .values_list("name")
        .union(
            CooperationArea.objects.order_by().values_list("name"),
            Tag.objects.order_by().values_list("name"),
        )
    )
    vocabulary = {
        word for (name,) in names for word in re.findall(r"\w+", name.lower()) if len(word) >= 4
    }
    found = {}
    for word in words:
        if word in vocabulary:
            continue
        close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=SUGGESTION_CUTOFF)
        if close:
            found[word] = close[0]
    return found
