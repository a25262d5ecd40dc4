"""`make backup` / `make restore` (tools/backup.py): every row and uploaded file comes back.

The site is built in a database of its own (a temporary SQLite file, or a throwaway PostgreSQL
database) by a separate process running the real commands: migrate, load_demo (articles with
tags, countries, areas, authors and revisions) and an image upload through the write path.
The archive is then restored into another empty database and media folder, and every table and
file is compared with the original. The test database itself is never touched.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tools import backup

ROOT = Path(__file__).resolve().parents[2]

# Run in the site's own process: a lead image stored through the model and the write path.
ATTACH_IMAGE = """
import io
from django.core.files.base import ContentFile
from PIL import Image
from articles.models import Article

article = Article.objects.published().order_by("pk").first()
buffer = io.BytesIO()
Image.new("RGB", (640, 400), (30, 90, 150)).save(buffer, "PNG")
article.lead_image.save("river-valley.png", ContentFile(buffer.getvalue()), save=False)
article.lead_image_alt = "A river valley"
article.save_revision(user=None, comment="Lead image")
"""


def site_env(database_url: str, media_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    return env | {
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_ENV_FILE": "",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(20),
    }


# The real commands, one after the other in one process: starting Django once rather than
# three times saves a second or two.
BUILD_SITE = f"""
from django.core.management import call_command

call_command("migrate", interactive=False, verbosity=0)
call_command("load_demo")
{ATTACH_IMAGE}
"""


def build_site(database_url: str, media_root: Path) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", BUILD_SITE],
        cwd=ROOT,
        env=site_env(database_url, media_root),
        check=True,
        capture_output=True,
    )


def rows_of_every_table(cursor: Any, table_names: list[str]) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, as the database returns them."""
    snapshot = {}
    for table in table_names:
        cursor.execute(f'SELECT * FROM "{table}"')
        snapshot[table] = sorted(cursor.fetchall(), key=repr)
    return snapshot


def sqlite_snapshot(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as database:
        names = [
            row[0]
            for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return rows_of_every_table(database.cursor(), names)


def postgres_snapshot(settings_dict: dict[str, Any]) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(**postgres_params(settings_dict)) as database, database.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return rows_of_every_table(cur, [row[0] for row in cur.fetchall()])


def postgres_params(settings_dict: dict[str, Any]) -> dict[str, Any]:
    params = {"dbname": settings_dict["NAME"], "user": settings_dict.get("USER") or "postgres"}
    if settings_dict.get("HOST"):
        params["host"] = settings_dict["HOST"]
    if settings_dict.get("PORT"):
        params["port"] = settings_dict["PORT"]
    if settings_dict.get("PASSWORD"):
        params["password"] = settings_dict["PASSWORD"]
    return params


def media_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def assert_content_is_real(snapshot: dict[str, list[tuple]], media: dict[str, bytes]) -> None:
    """The original holds what the round trip must carry, so equality proves something."""
    for table in (
        "articles_article",
        "articles_tag",
        "articles_taggedarticle",
        "articles_articlecountry",
        "articles_articlearea",
        "countries_country",
        "countries_cooperationarea",
        "reversion_revision",
        "reversion_version",
    ):
        assert snapshot[table], f"{table} is empty in the original"
    assert len(snapshot["articles_article"]) >= 16
    image = next(name for name in media if name.endswith(".png"))
    assert any(image in row for row in snapshot["articles_article"]), "no article shows it"


def assert_round_trip(
    original: dict[str, list[tuple]], restored: dict[str, list[tuple]], table_names: Iterator[str]
) -> None:
    assert sorted(restored) == sorted(original)
    for table in table_names:
        assert restored[table] == original[table], f"{table} differs after the restore"


def change(database: dict[str, Any], sql: str) -> None:
    if database["ENGINE"] == backup.SQLITE:
        with sqlite3.connect(database["NAME"]) as sqlite:
            sqlite.execute(sql)
        return
    import psycopg

    with psycopg.connect(**postgres_params(database)) as postgres:
        postgres.execute(sql)


def round_trip(
    source: backup.Target,
    restored: backup.Target,
    snapshot: Any,
    tmp_path: Path,
) -> None:
    original = snapshot(source.database)
    original_media = media_files(source.media_root)
    assert_content_is_real(original, original_media)

    archive = backup.create_backup(source, tmp_path / "backups")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert backup.MANIFEST in names
    assert backup.DATABASE_FILES[source.engine] in names

    # The restore replaces whatever the target holds, media included.
    restored.media_root.mkdir(parents=True)
    (restored.media_root / "left-over.txt").write_text("not in the backup")
    report = backup.restore_backup(archive, restored, safety_directory=tmp_path / "safety")

    assert any("Replaced the database" in line for line in report)
    assert any("Replaced the media folder" in line for line in report)
    assert list((tmp_path / "safety").glob("summit-*-before-restore.tar.gz"))
    after = snapshot(restored.database)
    assert_round_trip(original, after, iter(original))
    assert media_files(restored.media_root) == original_media

    # Restoring again over a database that has changed since brings the backup's rows back.
    change(restored.database, "DELETE FROM articles_taggedarticle")
    assert snapshot(restored.database)["articles_taggedarticle"] == []
    backup.restore_backup(archive, restored, safety_directory=None)
    assert snapshot(restored.database) == after


@pytest.mark.sqlite
def test_sqlite_backup_restores_every_row_and_file(tmp_path: Path) -> None:
    source_db, media = tmp_path / "site.sqlite3", tmp_path / "media"
    build_site(f"sqlite:///{source_db}", media)
    restored_db = tmp_path / "restored.sqlite3"

    def snapshot(database: dict[str, Any]) -> dict[str, list[tuple]]:
        return sqlite_snapshot(Path(database["NAME"]))

    round_trip(
        backup.Target({"ENGINE": backup.SQLITE, "NAME": str(source_db)}, media),
        backup.Target({"ENGINE": backup.SQLITE, "NAME": str(restored_db)}, tmp_path / "out"),
        snapshot,
        tmp_path,
    )


@pytest.fixture
def throwaway_postgres_databases() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Two empty databases named after the test database, dropped afterwards."""
    import psycopg

    base = connection.settings_dict
    names = [f"{base['NAME']}_backup_{role}_{secrets.token_hex(3)}" for role in ("src", "out")]
    admin = psycopg.connect(**postgres_params({**base, "NAME": "postgres"}), autocommit=True)
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        yield tuple({**base, "NAME": name} for name in names)
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
def test_postgres_backup_restores_every_row_and_file(
    tmp_path: Path, throwaway_postgres_databases: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    source_settings, restored_settings = throwaway_postgres_databases
    params = postgres_params(source_settings)
    url = (
        f"postgres://{params['user']}:{params.get('password', '')}@{params.get('host', '')}"
        f":{params.get('port') or 5432}/{params['dbname']}"
    )
    media = tmp_path / "media"
    build_site(url, media)

    round_trip(
        backup.Target({**source_settings, "ENGINE": backup.POSTGRES}, media),
        backup.Target({**restored_settings, "ENGINE": backup.POSTGRES}, tmp_path / "out"),
        postgres_snapshot,
        tmp_path,
    )


def test_restore_refuses_a_file_that_is_not_a_summit_backup(tmp_path: Path) -> None:
    target = backup.Target(
        {"ENGINE": backup.SQLITE, "NAME": str(tmp_path / "db.sqlite3")}, tmp_path / "media"
    )
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    other_archive = tmp_path / "other.tar.gz"
    with tarfile.open(other_archive, "w:gz") as tar:
        tar.add(text_file, arcname="notes.txt")

    for path, reason in (
        (text_file, "not a tar archive"),
        (other_archive, "has no summit-backup.json"),
        (tmp_path / "missing.tar.gz", "does not exist"),
    ):
        with pytest.raises(backup.NotABackup, match=reason):
            backup.restore_backup(path, target, safety_directory=tmp_path / "safety")
    assert not (tmp_path / "db.sqlite3").exists()
    assert not (tmp_path / "safety").exists()


def test_make_restore_without_file_says_how(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", "bootstrap", "restore"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "make restore needs FILE=" in result.stdout
