"""The demo publication, loaded once per test session and copied back before each browser test.

Browser tests need the demo in a database the live server reads, so it is committed, and
pytest-django empties every table after each of them. `load_demo` writes every article
through the write path (revisions, search rows, tallies, related choices) and takes seconds;
copying the rows it wrote back with one `INSERT … SELECT` per table, from a copy kept on the
same database server, takes milliseconds on SQLite and PostgreSQL alike.

The copy is kept where the tests' own statements never look: an attached database file on
SQLite, a schema of its own on PostgreSQL. Every table is copied, content types and
permissions included: revisions point at content types by id, and the flush after each test
recreates those under new ids. tests/browser/test_demo_snapshot.py proves that what comes
back equals a fresh `load_demo`.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import override_settings

from summit.cache import bump_content_generation

# Each snapshot gets a name of its own (an attached database on SQLite, a schema on
# PostgreSQL), so a test that takes one never touches the session's.
_numbers = itertools.count(1)


@dataclass
class DemoSnapshot:
    """A copy of every row (and uploaded file) that `load` wrote into an emptied database."""

    folder: Path
    # Every table a test may have written to, emptied before the copy comes back.
    tables: list[str] = field(default_factory=list)
    # The tables that had rows, with the columns copied (SQLite's search tables add `rowid`).
    filled: dict[str, list[str]] = field(default_factory=dict)
    # Statements that move the primary-key sequences past the copied ids (PostgreSQL).
    sequence_resets: list[str] = field(default_factory=list)
    using: str = DEFAULT_DB_ALIAS
    name: str = field(default_factory=lambda: f"demo_snapshot_{next(_numbers)}")

    @property
    def media(self) -> Path:
        return self.folder / "media"

    @classmethod
    def take(
        cls, folder: Path, load: Callable[[], None], using: str = DEFAULT_DB_ALIAS
    ) -> DemoSnapshot:
        """Empty the database (with `flush`, as between tests, but restarting the ids as on a
        fresh install), run `load`, and keep what it wrote. Leaves the loaded rows in place."""
        snapshot = cls(folder=folder, using=using)
        connection = connections[using]
        # Uploads go to the snapshot's folder, never into the project's media.
        with override_settings(MEDIA_ROOT=snapshot.media):
            call_command("flush", interactive=False, verbosity=0, database=using)
            load()
        search_tables = _search_tables(connection)
        model_tables = connection.introspection.django_table_names(only_existing=True)
        snapshot.tables = sorted(model_tables) + search_tables
        quote = connection.ops.quote_name
        if connection.vendor == "sqlite":
            snapshot._attach()
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {snapshot.name} CASCADE")
                cursor.execute(f"CREATE SCHEMA {snapshot.name}")
        with transaction.atomic(using=using), connection.cursor() as cursor:
            for table in snapshot.tables:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
                if not cursor.fetchone()[0]:
                    continue
                cursor.execute(f"SELECT * FROM {quote(table)} WHERE 1 = 0")
                columns = [column[0] for column in cursor.description]
                if table in search_tables:
                    # Their rows are addressed by rowid (the article's id), which `*` omits.
                    columns.insert(0, "rowid")
                cursor.execute(
                    f"CREATE TABLE {snapshot.name}.{quote(table)} AS "
                    f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}"
                )
                snapshot.filled[table] = columns
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in snapshot.filled
        ]
        snapshot.sequence_resets = connection.ops.sequence_reset_sql(no_style(), models)
        return snapshot

    def restore(self) -> None:
        """Replace every row with the copy's, then make every cached page stale, so the live
        server cannot answer from a page rendered for the previous test's rows."""
        connection = connections[self.using]
        quote = connection.ops.quote_name
        if connection.vendor == "sqlite":
            self._attach()
        # Foreign keys are checked at commit (Django creates them deferrable), so tables can
        # be emptied and filled in any order.
        with transaction.atomic(using=self.using), connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
            for table, columns in self.filled.items():
                names = ", ".join(map(quote, columns))
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({names}) "
                    f"SELECT {names} FROM {self.name}.{quote(table)}"
                )
            for statement in self.sequence_resets:
                cursor.execute(statement)
        # Content types are cached by id in this process, which the live server shares.
        ContentType.objects.clear_cache()
        if self.media.exists():
            shutil.copytree(self.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        bump_content_generation()

    def drop(self) -> None:
        connection = connections[self.using]
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                if self.name in _attached(cursor):
                    cursor.execute(f"DETACH DATABASE {self.name}")
            else:
                cursor.execute(f"DROP SCHEMA IF EXISTS {self.name} CASCADE")

    def _attach(self) -> None:
        # An attachment lasts as long as the connection, and some commands (loaddata) close
        # it: attach again whenever it is missing.
        with connections[self.using].cursor() as cursor:
            if self.name not in _attached(cursor):
                cursor.execute(f"ATTACH DATABASE %s AS {self.name}", [str(self.folder / "db")])


def _attached(cursor) -> list[str]:
    cursor.execute("PRAGMA database_list")
    return [row[1] for row in cursor.fetchall()]


def _search_tables(connection) -> list[str]:
    """SQLite's FTS5 search tables (not models; their own storage tables follow them)."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
        return [row[0] for row in cursor.fetchall()]
