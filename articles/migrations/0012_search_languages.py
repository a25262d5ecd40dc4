# Search per language (issue #14). PostgreSQL: SQL functions that index Russian by roots
# (Snowball stems, stemmed again until they stop changing) and Japanese by character bigrams,
# then every non-English document rebuilt in one statement (English documents are built as
# before, so 100,000 English articles cost nothing here). SQLite: an FTS5 table with the
# trigram tokenizer for Japanese articles, and Russian rows of `articles_search` rewritten as
# roots. Each database gets only its own part. See articles/search_backends/.

import re

from django.db import migrations

# Snowball's Russian stemmer, applied until the word stops changing: "саммит" and "саммита"
# (`самм`, `саммит` after one pass) both end as `самм`.
RUSSIAN_ROOT = r"""
CREATE OR REPLACE FUNCTION articles_russian_root(word text) RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
DECLARE
    stem text;
BEGIN
    FOR attempt IN 1..5 LOOP
        stem := coalesce((ts_lexize('russian_stem', word))[1], word);
        EXIT WHEN stem = word;
        word := stem;
    END LOOP;
    RETURN word;
END
$$
"""

# A document's lexemes replaced by their roots, positions and weights kept.
RUSSIAN_DOCUMENT_ROOTS = r"""
CREATE OR REPLACE FUNCTION articles_russian_roots(document tsvector) RETURNS tsvector
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(
        '''' || replace(replace(articles_russian_root(lexeme), '\', '\\'), '''', '''''') || ''''
        || coalesce(':' || (
            SELECT string_agg(p || w, ',') FROM unnest(positions, weights) AS x (p, w)
        ), ''),
        ' '), '')::tsvector
    FROM unnest(document)
$$
"""

# A query's lexemes replaced by their roots, operators kept.
RUSSIAN_QUERY_ROOTS = r"""
CREATE OR REPLACE FUNCTION articles_russian_roots(query tsquery) RETURNS tsquery
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
DECLARE
    part text[];
    rooted text := '';
BEGIN
    FOR part IN SELECT regexp_matches(query::text, '''((?:[^'']|'''')*)''|([^'']+)', 'g') LOOP
        IF part[1] IS NULL THEN
            rooted := rooted || part[2];
        ELSE
            rooted := rooted || ''''
                || replace(articles_russian_root(replace(part[1], '''''', '''')), '''', '''''')
                || '''';
        END IF;
    END LOOP;
    RETURN rooted::tsquery;
END
$$
"""

# Each character of a word as the bigram it starts (the word's last character alone), at its
# position in the text; anything but a word character separates words.
BIGRAMS = r"""
CREATE OR REPLACE FUNCTION articles_bigram_tsvector(document text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg('''' || token || ''':' || position, ' '), '')::tsvector
    FROM (
        SELECT c || coalesce(nullif(lead(c) OVER (ORDER BY position), ' '), '') AS token,
            c, position
        FROM unnest(string_to_array(regexp_replace(lower(document), '\W', ' ', 'g'), NULL))
            WITH ORDINALITY AS characters (c, position)
    ) tokens
    WHERE c <> ' '
$$
"""

# The documents as articles.search_backends.postgres builds them, frozen here.
LINKED = """
    CROSS JOIN LATERAL (
        SELECT (
            SELECT string_agg(t.name, ' ') FROM articles_taggedarticle ta
            JOIN articles_tag t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id
        ) AS tags,
        coalesce((
            SELECT string_agg({country}, ' ') FROM articles_articlecountry ac
            JOIN countries_country c ON c.id = ac.country_id WHERE ac.article_id = a.id
        ), '') || ' ' || coalesce((
            SELECT string_agg({area}, ' ') FROM articles_articlearea aa
            JOIN countries_cooperationarea ar ON ar.id = aa.area_id WHERE aa.article_id = a.id
        ), '') AS places
    ) linked
"""
FIELDS = (("a.title", "A"), ("a.dek", "B"), ("linked.tags", "B"), ("linked.places", "C"), ("a.body", "D"))


def translated_name(alias):
    return (
        f"coalesce(nullif(CASE a.language WHEN 'en' THEN {alias}.name_en WHEN 'ja' THEN {alias}.name_ja "
        f"WHEN 'ru' THEN {alias}.name_ru END, ''), {alias}.name)"
    )


def stemmed(config):
    return " || ".join(
        f"setweight(to_tsvector('{config}', coalesce({text}, '')), '{weight}')" for text, weight in FIELDS
    )


def bigrams():
    return " || ".join(
        f"setweight(articles_bigram_tsvector(coalesce({text}, '')), '{weight}')" for text, weight in FIELDS
    )


def rebuild(document, names):
    return f"""
        INSERT INTO articles_searchdocument (article_id, vector)
        SELECT a.id, {document} FROM articles_article a {LINKED.format(country=names("c"), area=names("ar"))}
        WHERE a.language <> 'en'
        ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector
    """


POSTGRES_FORWARDS = [
    RUSSIAN_ROOT,
    RUSSIAN_DOCUMENT_ROOTS,
    RUSSIAN_QUERY_ROOTS,
    BIGRAMS,
    rebuild(
        f"CASE a.language WHEN 'ja' THEN {bigrams()} "
        f"ELSE articles_russian_roots({stemmed('russian')}) END",
        translated_name,
    ),
]
POSTGRES_BACKWARDS = [
    rebuild(stemmed("english"), lambda alias: f"{alias}.name"),
    "DROP FUNCTION IF EXISTS articles_bigram_tsvector(text)",
    "DROP FUNCTION IF EXISTS articles_russian_roots(tsquery)",
    "DROP FUNCTION IF EXISTS articles_russian_roots(tsvector)",
    "DROP FUNCTION IF EXISTS articles_russian_root(text)",
]


def sqlite_rows(table, wrap, names, language_condition):
    columns = [
        "a.title",
        "a.dek",
        """coalesce((SELECT group_concat(t.name, ' ') FROM articles_taggedarticle ta
            JOIN articles_tag t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id), '')""",
        f"""coalesce((SELECT group_concat({names('c')}, ' ') FROM articles_articlecountry ac
            JOIN countries_country c ON c.id = ac.country_id WHERE ac.article_id = a.id), '')
        || ' ' ||
        coalesce((SELECT group_concat({names('ar')}, ' ') FROM articles_articlearea aa
            JOIN countries_cooperationarea ar ON ar.id = aa.area_id WHERE aa.article_id = a.id), '')""",
        "a.body",
    ]
    return f"""INSERT INTO {table} (rowid, title, dek, tags, places, body)
        SELECT a.id, {", ".join(wrap(column) for column in columns)}
        FROM articles_article a WHERE {language_condition}"""


def russian_roots(text):
    """Each word of `text` as its root (Snowball, applied until it stops changing)."""
    import snowballstemmer

    stemmer = snowballstemmer.stemmer("russian")

    def root(match):
        word = match.group(0).lower()
        for _ in range(5):
            stem = stemmer.stemWord(word)
            if stem == word:
                break
            word = stem
        return word

    return re.sub(r"\w+", root, text or "")


SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE articles_search_ja USING fts5("
    "title, dek, tags, places, body, tokenize = 'trigram')",
    "INSERT INTO articles_search_ja (articles_search_ja, rank) VALUES ('rank', 'bm25(10.0, 4.0, 4.0, 2.0, 1.0)')",
    "CREATE TRIGGER articles_search_ja_delete AFTER DELETE ON articles_article BEGIN "
    "DELETE FROM articles_search_ja WHERE rowid = old.id; END",
    "DELETE FROM articles_search WHERE rowid IN (SELECT id FROM articles_article WHERE language <> 'en')",
    sqlite_rows("articles_search_ja", lambda column: column, translated_name, "a.language = 'ja'"),
    sqlite_rows(
        "articles_search",
        lambda column: f"articles_russian_roots({column})",
        translated_name,
        "a.language = 'ru'",
    ),
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_search_ja_delete",
    "DROP TABLE IF EXISTS articles_search_ja",
    "DELETE FROM articles_search WHERE rowid IN (SELECT id FROM articles_article WHERE language <> 'en')",
    sqlite_rows("articles_search", lambda column: column, lambda alias: f"{alias}.name", "a.language <> 'en'"),
]


def run_for_vendor(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            schema_editor.connection.ensure_connection()
            schema_editor.connection.connection.create_function(
                "articles_russian_roots", 1, russian_roots, deterministic=True
            )
        for statement in statements.get(vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_tally_languages")]

    operations = [
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRES_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            run_for_vendor({"postgresql": POSTGRES_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        ),
    ]
