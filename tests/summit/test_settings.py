"""Settings in production mode, loaded in a fresh interpreter so the environment is real."""

import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DEBUG, settings.ALLOWED_HOSTS, "
    "settings.STORAGES['staticfiles']['BACKEND'], settings.DATABASES['default']['ENGINE'])"
)


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean["DJANGO_SETTINGS_MODULE"] = "summit.settings"
    # A developer's own .env must not change what these tests see.
    clean["DJANGO_ENV_FILE"] = ""
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_use_manifest_static_files_and_given_hosts():
    result = load_settings(
        DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="news.example,www.news.example"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1)[0] == "False"
    assert "['news.example', 'www.news.example']" in result.stdout
    assert "CompressedManifestStaticFilesStorage" in result.stdout


def test_debug_mode_has_a_development_key_and_sqlite_by_default():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")
    assert "django.db.backends.sqlite3" in result.stdout


def test_database_url_is_honoured():
    result = load_settings(
        DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/summit"
    )
    assert "django.db.backends.postgresql" in result.stdout


def test_env_file_gives_commands_the_development_defaults(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=from-the-env-file\n")
    result = load_settings(DJANGO_ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")


def test_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=from-the-env-file\n")
    result = load_settings(DJANGO_ENV_FILE=str(env_file), DJANGO_DEBUG="0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False")
    assert "CompressedManifestStaticFilesStorage" in result.stdout
