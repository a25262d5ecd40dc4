"""The browser tests' demo publication, copied back from a snapshot (demo_snapshot.py), holds
exactly what `load_demo` writes, and no page cached before the copy outlives it.

These open no browser, so they run without Chromium too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from articles.models import Article, Tag
from summit.cache import content_generation
from tests.browser.conftest import load_demo
from tests.browser.demo_snapshot import DemoSnapshot

# Tables `load_demo` must fill, so that equal snapshots prove something.
LOADED_TABLES = (
    "articles_article",
    "articles_taggedarticle",
    "articles_articlecountry",
    "articles_linktally",
    "auth_user",
    "countries_country",
    "reversion_revision",
    "reversion_version",
)


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table the tests can see, in a stable order.

    Found here rather than with the snapshot's own list, so a table the snapshot forgot
    shows up as a difference. SQLite's search tables are read as the search reads them; the
    tables FTS5 keeps its index in are left out (their layout follows the order of writes,
    not the content).
    """
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        search_tables = []
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
            search_tables = [row[0] for row in cursor.fetchall()]
        rows = {}
        for table in tables:
            if table in ("django_migrations", "sqlite_sequence") or any(
                table.startswith(f"{search}_") for search in search_tables
            ):
                continue
            columns = "rowid, *" if table in search_tables else "*"
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def without_password_salt(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The demo authors' unusable passwords are "!" and 40 random characters each time."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM auth_user WHERE 1 = 0")
        password = [column[0] for column in cursor.description].index("password")
    users = [
        (*row[:password], row[password][:1], *row[password + 1 :]) for row in rows["auth_user"]
    ]
    return {**rows, "auth_user": sorted(users, key=repr)}


@pytest.mark.django_db(transaction=True)
def test_restored_demo_equals_what_load_demo_writes(tmp_path: Path) -> None:
    # One instant for both runs, so their timestamps and revisions agree to the microsecond.
    with time_machine.travel(datetime(2025, 3, 14, 9, 30, tzinfo=UTC), tick=False):
        snapshot = DemoSnapshot.take(tmp_path, load=load_demo)
        try:
            taken = every_row()
            # What a test leaves behind: rows added, rows removed.
            Tag.objects.create(name="Left over", slug="left-over")
            Article.objects.filter(translation_of__isnull=False).delete()
            snapshot.restore()
            restored = every_row()
            # A fresh load into an emptied database, as the snapshot's was.
            call_command("flush", interactive=False, verbosity=0)
            load_demo()
            fresh = every_row()
        finally:
            snapshot.drop()

    for table in LOADED_TABLES:
        assert taken[table], f"load_demo wrote nothing into {table}"
    search_table = "articles_search" if connection.vendor == "sqlite" else "articles_searchdocument"
    assert taken[search_table], "the demo articles are not in the search index"
    assert restored == taken
    assert without_password_salt(restored) == without_password_salt(fresh)


@pytest.mark.django_db(transaction=True)
def test_a_page_cached_before_the_restore_is_never_served_after_it(
    client, demo_snapshot: DemoSnapshot
) -> None:
    demo_snapshot.restore()
    article = Article.objects.published().filter(language="en").order_by("pk").first()
    # A change made behind the site's back, as a test may leave it, is cached with its page.
    Article.objects.filter(pk=article.pk).update(title="Edited behind the cache's back")
    assert "Edited behind the cache" in client.get(article.get_absolute_url()).text
    generation = content_generation()

    demo_snapshot.restore()

    assert content_generation() != generation
    page = client.get(article.get_absolute_url()).text
    assert article.title in page
    assert "Edited behind the cache" not in page


@pytest.mark.django_db(transaction=True)
def test_files_the_load_uploaded_come_back_with_its_rows(tmp_path: Path, settings) -> None:
    def load() -> None:
        Tag.objects.create(name="Pictured", slug="pictured")
        default_storage.save("demo/picture.txt", ContentFile(b"a picture"))

    snapshot = DemoSnapshot.take(tmp_path / "snapshot", load=load)
    try:
        # The next test's own media folder, and a database emptied after the last one.
        settings.MEDIA_ROOT = tmp_path / "next-test-media"
        call_command("flush", interactive=False, verbosity=0)
        snapshot.restore()
    finally:
        snapshot.drop()

    assert list(Tag.objects.values_list("slug", flat=True)) == ["pictured"]
    assert (tmp_path / "next-test-media" / "demo" / "picture.txt").read_bytes() == b"a picture"
