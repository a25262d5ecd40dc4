import pytest


def pytest_runtest_setup(item):
    """Tests marked `postgres` or `sqlite` run only on that database (CI runs both)."""
    from django.db import connection

    for vendor, name in (("postgresql", "postgres"), ("sqlite", "sqlite")):
        if item.get_closest_marker(name) and connection.vendor != vendor:
            pytest.skip(f"needs {vendor}, running on {connection.vendor}")


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last.

    They need a live server, so their database is emptied after each test rather than rolled
    back, which also removes rows that migrations created (roles, built-in taxonomy).
    """
    items.sort(key=flushes_database)


def flushes_database(item) -> bool:
    """Browser tests, and tests that share the database with another process, commit."""
    marker = item.get_closest_marker("django_db")
    return "tests/browser/" in item.nodeid or bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a file rather than in memory.

    An in-memory database shared between the live server's threads uses table locks, so a
    browser's parallel requests fail with "database table is locked"; a file in WAL mode
    behaves as the production database does.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("db") / "summit-test.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def flush_by_deleting_on_postgres():
    """After a test that commits, empty the tables with DELETE rather than TRUNCATE.

    pytest-django empties every table after such a test with Django's `flush`, which on
    PostgreSQL is one TRUNCATE of all of them: each table and index gets a new file, about a
    second for this schema's hundreds, though the test wrote a few thousand rows at most.
    DELETE takes milliseconds and empties them just the same; it runs in one transaction,
    where the foreign keys (deferrable, as Django makes them) are checked once all are empty.
    A flush that resets sequences or cascades still truncates.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete_from = f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')}"
        return [f"{delete_from} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(scope="session", autouse=True)
def cache_for_tests(tmp_path_factory):
    """The production kind of cache, never a developer's: Redis when REDIS_URL is set (which
    must then name a spare database, as every test empties it), otherwise a file cache in a
    folder of this run's own, so parallel runs cannot answer for each other."""
    from urllib.parse import urlparse

    from django.conf import settings
    from django.test import override_settings

    if settings.REDIS_URL:
        database = urlparse(settings.REDIS_URL).path.strip("/") or "0"
        if database == "0":
            pytest.exit(
                "REDIS_URL names Redis database 0, which tests would empty; "
                "give them a spare one, e.g. redis://127.0.0.1:6379/15",
                returncode=4,
            )
        yield
        return
    default = settings.CACHES["default"]
    assert default["BACKEND"] == "summit.file_cache.FileCache", default
    folder = tmp_path_factory.mktemp("cache")
    with override_settings(CACHES={"default": {**default, "LOCATION": str(folder)}}):
        yield


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash test passwords with MD5 rather than production's PBKDF2.

    A PBKDF2 hash takes about a quarter of a second of CPU, and tests hash often: every user a
    factory makes, every sign-in, and every sign-in under an unknown name (Django hashes
    anyway, so as not to give away which names exist). No test is about the hasher's cost;
    hashes already stored with the production hashers still check, as they stay listed.
    """
    from django.conf import settings
    from django.test import override_settings

    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


@pytest.fixture(autouse=True)
def empty_cache(cache_for_tests):
    """Each test starts with an empty cache: a value cached in one test's database must not
    answer for another's, whose rows were rolled back."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def isolated_media(settings, tmp_path):
    """Uploads made by a test go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def static_files_without_collectstatic(settings):
    # Production's manifest storage needs collectstatic; tests serve the source files instead.
    settings.STATIC_ROOT = None
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Start the tests from an empty taxonomy.

    A countries migration seeds the built-in countries and cooperation areas; tests build
    the ones they need with tests/factories.py, whose names and codes would collide with them.
    """
    from countries.models import CooperationArea, Country

    with django_db_blocker.unblock():
        CooperationArea.objects.all().delete()
        Country.objects.all().delete()
