"""Back up and restore Summit: the database and the uploaded media, in one archive file.

    make backup                                   # or: .venv/bin/python tools/backup.py backup
    make restore FILE=backups/summit-20260101T120000Z.tar.gz

The database is the one the settings name (DATABASE_URL, or the project's SQLite file), the
media folder is DJANGO_MEDIA_ROOT. An archive holds:

    summit-backup.json   what this is: format, version, time, database engine
    database.dump        PostgreSQL: `pg_dump --format=custom` (one consistent snapshot)
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    media/               every uploaded file

The database is dumped before the media is copied: uploads only ever add files, so every file
the dump refers to is in the archive. Restoring first writes a safety backup of what is there
now, then replaces the database (`pg_restore --clean --if-exists` in one transaction, or the
backup API in reverse) and the media folder, and says what it replaced.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "summit-backup.json"
FORMAT = "summit-backup"
FORMAT_VERSION = 1
POSTGRES = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"
DATABASE_FILES = {POSTGRES: "database.dump", SQLITE: "database.sqlite3"}


class NotABackup(Exception):
    """The file given to restore is not an archive this tool wrote."""


@dataclass(frozen=True)
class Target:
    """What a backup reads and a restore replaces: Django's database settings and media."""

    database: dict[str, Any]
    media_root: Path

    @property
    def engine(self) -> str:
        engine = self.database["ENGINE"]
        if engine not in DATABASE_FILES:
            raise SystemExit(f"backups support PostgreSQL and SQLite, not {engine}")
        return engine

    def describe(self) -> str:
        if self.engine == SQLITE:
            where = f"SQLite {self.database['NAME']}"
        else:
            where = f"PostgreSQL {self.database['NAME']} on {self.database.get('HOST') or 'local'}"
        articles = article_count(self)
        return f"{where} ({'no articles table' if articles is None else f'{articles:,} articles'})"


def settings_target() -> Target:
    """The database and media folder of the site as configured (environment, then .env)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit.settings")
    from django.conf import settings

    return Target(database=dict(settings.DATABASES["default"]), media_root=settings.MEDIA_ROOT)


# -- PostgreSQL and SQLite ----------------------------------------------------------------------


def pg_command(database: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore/psql, and their environment (password)."""
    options = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        options += ["--host", database["HOST"]]
    if database.get("PORT"):
        options += ["--port", str(database["PORT"])]
    if database.get("USER"):
        options += ["--username", database["USER"]]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return options, env


def article_count(target: Target) -> int | None:
    query = "SELECT count(*) FROM articles_article"
    if target.engine == SQLITE:
        path = Path(target.database["NAME"])
        if not path.exists():
            return None
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            try:
                return connection.execute(query).fetchone()[0]
            except sqlite3.OperationalError:
                return None
    options, env = pg_command(target.database)
    result = subprocess.run(
        ["psql", *options, "-Atqc", query], capture_output=True, text=True, env=env
    )
    return int(result.stdout) if result.returncode == 0 else None


def dump_database(target: Target, destination: Path) -> None:
    if target.engine == POSTGRES:
        options, env = pg_command(target.database)
        # One snapshot of the whole database, however long the dump takes; writers go on.
        subprocess.run(
            ["pg_dump", *options, "--format=custom", "--file", str(destination)],
            check=True,
            env=env,
        )
        return
    source = sqlite3.connect(target.database["NAME"])
    copy = sqlite3.connect(destination)
    try:
        # The online backup API copies a consistent state while the site keeps writing
        # (a plain file copy could catch a write half-done or miss the WAL file).
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def load_database(target: Target, dump: Path) -> None:
    if target.engine == POSTGRES:
        options, env = pg_command(target.database)
        # --single-transaction: a failed restore leaves the database as it was.
        restore = ["pg_restore", *options, "--clean", "--if-exists", "--no-owner"]
        subprocess.run([*restore, "--single-transaction", str(dump)], check=True, env=env)
        return
    source = sqlite3.connect(dump)
    live = sqlite3.connect(target.database["NAME"], timeout=20)
    try:
        # The backup API in reverse replaces every page of the live file under SQLite's own
        # locking, so open connections see either the old database or the restored one.
        source.backup(live)
    finally:
        live.close()
        source.close()


# -- Archives -----------------------------------------------------------------------------------


def create_backup(target: Target, directory: Path, *, suffix: str = "") -> Path:
    """Write `directory/summit-<UTC time><suffix>.tar.gz` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    stem = f"summit-{created:%Y%m%dT%H%M%SZ}{suffix}"
    archive = directory / f"{stem}.tar.gz"
    for number in range(2, 100):  # two backups within one second keep both
        if not archive.exists():
            break
        archive = directory / f"{stem}-{number}.tar.gz"
    database_file = DATABASE_FILES[target.engine]
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created": created.isoformat(),
        "engine": target.engine,
        "database": database_file,
        "articles": article_count(target),
    }
    with tempfile.TemporaryDirectory(prefix="summit-backup-") as workdir:
        dump = Path(workdir) / database_file
        dump_database(target, dump)
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            manifest_file = Path(workdir) / MANIFEST
            manifest_file.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            tar.add(manifest_file, arcname=MANIFEST)
            tar.add(dump, arcname=database_file)
            # After the dump: files uploaded meanwhile are extra, none the dump names is missing.
            if target.media_root.is_dir():
                tar.add(target.media_root, arcname="media")
        # Renamed only when complete, so a backups/ listing never shows a half-written archive.
        partial.rename(archive)
    return archive


def read_manifest(archive: Path) -> dict[str, Any]:
    """The archive's manifest; NotABackup with the reason when it is not a Summit backup."""
    if not archive.is_file():
        raise NotABackup(f"{archive} does not exist")
    if not tarfile.is_tarfile(archive):
        raise NotABackup(f"{archive} is not a Summit backup: it is not a tar archive")
    with tarfile.open(archive) as tar:
        try:
            member = tar.extractfile(MANIFEST)
        except KeyError:
            member = None
        if member is None:
            raise NotABackup(f"{archive} is not a Summit backup: it has no {MANIFEST}")
        try:
            manifest = json.loads(member.read())
        except ValueError as error:
            raise NotABackup(f"{archive} is not a Summit backup: bad {MANIFEST}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotABackup(f"{archive} is not a Summit backup: {MANIFEST} names another format")
    if manifest.get("version") != FORMAT_VERSION or manifest.get("engine") not in DATABASE_FILES:
        raise NotABackup(f"{archive} is a Summit backup in a format this version cannot read")
    return manifest


def count_files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else 0


def restore_backup(archive: Path, target: Target, *, safety_directory: Path | None) -> list[str]:
    """Replace the database and media folder with the archive's; return what was replaced."""
    manifest = read_manifest(archive)
    if manifest["engine"] != target.engine:
        raise NotABackup(
            f"{archive} holds a {manifest['engine'].rsplit('.', 1)[-1]} database and this site "
            f"uses {target.engine.rsplit('.', 1)[-1]}: restore it into the same kind of database"
        )
    report = []
    if safety_directory is not None:
        safety = create_backup(target, safety_directory, suffix="-before-restore")
        report.append(f"Saved what was there first: {safety}")
    before = target.describe()
    media_before = count_files(target.media_root)
    with tempfile.TemporaryDirectory(prefix="summit-restore-") as workdir:
        with tarfile.open(archive) as tar:
            # The "data" filter refuses absolute paths, links out of the folder and devices.
            tar.extractall(workdir, filter="data")
        load_database(target, Path(workdir) / manifest["database"])
        report.append(f"Replaced the database {before} with the backup's: {target.describe()}")
        restored_media = Path(workdir) / "media"
        if target.media_root.exists():
            shutil.rmtree(target.media_root)
        if restored_media.is_dir():
            shutil.copytree(restored_media, target.media_root)
        else:
            target.media_root.mkdir(parents=True)
    report.append(
        f"Replaced the media folder {target.media_root} ({media_before:,} files) with the "
        f"backup's ({count_files(target.media_root):,} files)"
    )
    return report


def forget_cached_pages() -> str:
    """Cached pages describe the old content: make them stale in every process sharing them."""
    import django

    django.setup()
    try:
        from summit.cache import bump_content_generation
    except ImportError:
        from django.core.cache import cache

        cache.clear()
    else:
        bump_content_generation()
    return "Cached pages made stale (a server with a per-process cache needs a restart)."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    backup = commands.add_parser("backup", help="write backups/summit-<UTC time>.tar.gz")
    backup.add_argument("--directory", type=Path, default=ROOT / "backups")
    restore = commands.add_parser("restore", help="replace the database and media with FILE")
    restore.add_argument("file", type=Path)
    restore.add_argument("--directory", type=Path, default=ROOT / "backups")
    options = parser.parse_args()

    target = settings_target()
    if options.command == "backup":
        archive = create_backup(target, options.directory)
        print(f"Backed up {target.describe()} and {target.media_root} to {archive}")
        return 0
    try:
        report = restore_backup(options.file, target, safety_directory=options.directory)
    except NotABackup as refusal:
        print(f"Refused: {refusal}. Nothing was changed.", file=sys.stderr)
        return 2
    report.append(forget_cached_pages())
    report.append("If the backup is older than the code, run: .venv/bin/python manage.py migrate")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
