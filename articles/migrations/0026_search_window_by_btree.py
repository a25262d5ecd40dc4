# The search's "recent documents" window, read through a btree on the publish time instead of
# the publish day in the GIN index (issue #12).
#
# With the day in the GIN index, "matches since this day" made every search read the posting
# lists of some 10,000 recent documents inside the GIN scan, 2-4 ms at 100,000 articles even
# when the words matched a few dozen documents, and most multi-word searches then read all
# their matches anyway. A btree on the publish time lets the planner choose, per query, from
# its estimate of the words: for common words it intersects the two bitmaps (BitmapAnd, as
# cheap as before), and for rare ones it takes the words' bitmap alone and checks the time
# on the few documents it reads.

from importlib import import_module

from django.db import migrations

# Its helper that runs statements on PostgreSQL only (SQLite has no such index), and the
# index it made, which going back restores.
copies = import_module("articles.migrations.0020_search_document_copies")
run_on_postgres = copies.run_on_postgres
MATCH_WITH_DAY = copies.MATCH_INDEX
MATCH = """
CREATE INDEX articles_searchdocument_match ON articles_searchdocument
USING gin (vector, countries, areas, tags)
"""
NEWEST = "CREATE INDEX articles_searchdocument_newest ON articles_searchdocument (publish_at)"

POSTGRES_FORWARDS = ["DROP INDEX IF EXISTS articles_searchdocument_match", MATCH, NEWEST]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS articles_searchdocument_newest",
    "DROP INDEX IF EXISTS articles_searchdocument_match",
    MATCH_WITH_DAY,
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0025_last_modified_index"),
    ]

    operations = [
        migrations.RunPython(
            run_on_postgres(POSTGRES_FORWARDS), run_on_postgres(POSTGRES_BACKWARDS), elidable=False
        ),
    ]
