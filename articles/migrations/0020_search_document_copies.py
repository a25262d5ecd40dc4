# Search from one table (issue #12). Each search document keeps copies of what a search
# filters, orders, ranks and counts by: the article's language, status and publish time, its
# vector without the body (`head`), and the ids of its countries, areas and tags. PostgreSQL
# then finds the newest matches through the GIN index alone, without visiting articles.
#
# PostgreSQL only (SQLite keeps its FTS5 tables and reads the articles):
# - one UPDATE fills the copies of every document (about 10 s for 100,000 articles);
# - a trigger copies language, status and publish time whenever an UPDATE of an article
#   changes them, whatever issued it (a list action's `QuerySet.update()`, a script);
# - the GIN index also holds each document's publish day (btree_gin), so "matches published
#   since this day" is one index scan: a search looks among the recent documents first;
# - `articles_search_by_index(statement)` runs a search statement with plain index and
#   sequential scans turned off: the planner does not see that testing a document's vector
#   row by row reads it from TOAST storage (a few pages each), so for a common word it would
#   rather read documents one by one, or all of them, than take the GIN bitmap; the
#   function holds those settings for that one statement only.

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models

LINK_IDS = """
    SELECT {article}, array_agg({target} ORDER BY {target}) AS ids FROM {table} GROUP BY {article}
"""

BACKFILL = f"""
    UPDATE articles_searchdocument document
    SET language = a.language, status = a.status, publish_at = a.publish_at,
        head = ts_filter(document.vector, '{{a,b,c}}'),
        countries = coalesce(countries.ids, '{{}}'),
        areas = coalesce(areas.ids, '{{}}'),
        tags = coalesce(tags.ids, '{{}}')
    FROM articles_article a
    LEFT JOIN ({LINK_IDS.format(article="article_id", target="country_id", table="articles_articlecountry")}) countries
        ON countries.article_id = a.id
    LEFT JOIN ({LINK_IDS.format(article="article_id", target="area_id", table="articles_articlearea")}) areas
        ON areas.article_id = a.id
    LEFT JOIN ({LINK_IDS.format(article="content_object_id", target="tag_id", table="articles_taggedarticle")}) tags
        ON tags.content_object_id = a.id
    WHERE a.id = document.article_id
"""

FOLLOW_FUNCTION = """
CREATE OR REPLACE FUNCTION articles_searchdocument_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles_searchdocument
    SET language = NEW.language, status = NEW.status, publish_at = NEW.publish_at
    WHERE article_id = NEW.id;
    RETURN NULL;
END
$$
"""

FOLLOW_TRIGGER = """
CREATE TRIGGER articles_searchdocument_follow
AFTER UPDATE OF language, status, publish_at ON articles_article
FOR EACH ROW WHEN (
    OLD.language IS DISTINCT FROM NEW.language
    OR OLD.status IS DISTINCT FROM NEW.status
    OR OLD.publish_at IS DISTINCT FROM NEW.publish_at
)
EXECUTE FUNCTION articles_searchdocument_follow()
"""

# STABLE: a statement that writes is refused. No parallel workers either: a request's search
# is small, and workers would only compete with the other requests for the cores.
BY_INDEX = """
CREATE OR REPLACE FUNCTION articles_search_by_index(statement text) RETURNS SETOF record
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
SET max_parallel_workers_per_gather = 0
AS $$
BEGIN
    RETURN QUERY EXECUTE statement;
END
$$
"""

# Every condition of a search in one GIN index, so one index scan intersects them and only
# matching documents are read: the words, the publish day (in UTC: a date of its own, unlike
# `publish_at::date`, which depends on the session's time zone and so cannot be indexed), and
# the countries, areas and tags a reader narrowed to.
MATCH_INDEX = """
CREATE INDEX articles_searchdocument_match ON articles_searchdocument
USING gin (vector, ((publish_at AT TIME ZONE 'UTC')::date), countries, areas, tags)
"""

POSTGRES_FORWARDS = [
    BACKFILL,
    FOLLOW_FUNCTION,
    FOLLOW_TRIGGER,
    BY_INDEX,
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    MATCH_INDEX,
    "DROP INDEX IF EXISTS articles_searchdocument_vector_gin",
]
POSTGRES_BACKWARDS = [
    "CREATE INDEX articles_searchdocument_vector_gin ON articles_searchdocument USING gin (vector)",
    "DROP INDEX IF EXISTS articles_searchdocument_match",
    "DROP FUNCTION IF EXISTS articles_search_by_index(text)",
    "DROP TRIGGER IF EXISTS articles_searchdocument_follow ON articles_article",
    "DROP FUNCTION IF EXISTS articles_searchdocument_follow()",
]


def run_on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_stored_body_rendering"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="head",
            field=SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="language",
            field=models.CharField(db_default="", editable=False, max_length=2),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="status",
            field=models.CharField(db_default="", editable=False, max_length=10),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="publish_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="countries",
            field=ArrayField(
                base_field=models.BigIntegerField(), editable=False, null=True, size=None
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="areas",
            field=ArrayField(
                base_field=models.BigIntegerField(), editable=False, null=True, size=None
            ),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="tags",
            field=ArrayField(
                base_field=models.BigIntegerField(), editable=False, null=True, size=None
            ),
        ),
        migrations.RunPython(
            run_on_postgres(POSTGRES_FORWARDS), run_on_postgres(POSTGRES_BACKWARDS)
        ),
    ]
