# Author profiles and the full-text search index: a GIN-indexed tsvector table with trigram
# suggestions on PostgreSQL, an FTS5 table on SQLite. Each database gets only its own part.

import django.contrib.postgres.search
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The search document as articles.search_backends builds it, frozen here so that this
# migration keeps working whatever later code does.
POSTGRES_DOCUMENT = """
    setweight(to_tsvector('english', coalesce(a.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(a.dek, '')), 'B')
    || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(t.name, ' ') FROM articles_taggedarticle ta
        JOIN articles_tag t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id), '')), 'B')
    || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(c.name, ' ') FROM articles_articlecountry ac
        JOIN countries_country c ON c.id = ac.country_id WHERE ac.article_id = a.id), '')
        || ' ' || coalesce((
        SELECT string_agg(ar.name, ' ') FROM articles_articlearea aa
        JOIN countries_cooperationarea ar ON ar.id = aa.area_id WHERE aa.article_id = a.id), '')), 'C')
    || setweight(to_tsvector('english', coalesce(a.body, '')), 'D')
"""

POSTGRES_FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX articles_searchdocument_vector_gin ON articles_searchdocument USING gin (vector)",
    "CREATE INDEX articles_article_title_trgm ON articles_article USING gin (title gin_trgm_ops)",
    "INSERT INTO articles_searchdocument (article_id, vector) "
    f"SELECT a.id, {POSTGRES_DOCUMENT} FROM articles_article a",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS articles_article_title_trgm",
    "DROP INDEX IF EXISTS articles_searchdocument_vector_gin",
]

# BM25 weights per column: title, dek, tags, places, body. The search backend adds tiers on
# top, so that a title hit always outranks a body-only hit.
SQLITE_FORWARDS = [
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, dek, tags, places, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "INSERT INTO articles_search (articles_search, rank) VALUES ('rank', 'bm25(10.0, 4.0, 4.0, 2.0, 1.0)')",
    "CREATE TRIGGER articles_search_delete AFTER DELETE ON articles_article BEGIN "
    "DELETE FROM articles_search WHERE rowid = old.id; END",
    """INSERT INTO articles_search (rowid, title, dek, tags, places, body)
    SELECT a.id, a.title, a.dek,
        coalesce((SELECT group_concat(t.name, ' ') FROM articles_taggedarticle ta
                  JOIN articles_tag t ON t.id = ta.tag_id WHERE ta.content_object_id = a.id), ''),
        coalesce((SELECT group_concat(c.name, ' ') FROM articles_articlecountry ac
                  JOIN countries_country c ON c.id = ac.country_id WHERE ac.article_id = a.id), '')
        || ' ' ||
        coalesce((SELECT group_concat(ar.name, ' ') FROM articles_articlearea aa
                  JOIN countries_cooperationarea ar ON ar.id = aa.area_id WHERE aa.article_id = a.id), ''),
        a.body
    FROM articles_article a""",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS articles_search_delete",
    "DROP TABLE IF EXISTS articles_search",
]


def run_for_vendor(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0002_article_version'),
        ('countries', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('article', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='articles.article')),
                ('vector', django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.CreateModel(
            name='AuthorProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('display_name', models.CharField(blank=True, help_text='Name on your author page; your full name or username when empty.', max_length=150)),
                ('bio', models.TextField(blank=True, help_text='Two or three sentences about you for your author page. Plain text.', max_length=600)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='author_profile', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'author profile',
                'ordering': ['display_name'],
            },
        ),
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRES_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            run_for_vendor({"postgresql": POSTGRES_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        ),
    ]
