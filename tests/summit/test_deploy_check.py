"""`manage.py check --deploy` passes in production behind HTTPS, as CI and operators run it.

Each check runs in a fresh interpreter with a real production environment: the settings read
it once, at start-up.
"""

import os
import secrets
import subprocess
import sys

from django.conf import settings

CHECK = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "example.org",
    "DJANGO_HTTPS": "1",
}
# Settings as loaded, and the deploy check with no check silenced, in the same environment.
UNSILENCED_CHECK = (
    "import django; from django.conf import settings; django.setup(); "
    "from django.core.management import call_command; "
    "print('preload', settings.SECURE_HSTS_PRELOAD, 'silenced', settings.SILENCED_SYSTEM_CHECKS); "
    "settings.SILENCED_SYSTEM_CHECKS = []; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)
HSTS_HEADER = (
    "import django; django.setup(); "
    "from django.http import HttpResponse; from django.test import RequestFactory; "
    "from django.middleware.security import SecurityMiddleware; "
    "request = RequestFactory().get('/', secure=True, HTTP_HOST='example.org'); "
    "print(SecurityMiddleware(lambda r: HttpResponse())(request)['Strict-Transport-Security'])"
)


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(
        DJANGO_SETTINGS_MODULE="summit.settings",
        # A developer's own .env must not change what these tests see.
        DJANGO_ENV_FILE="",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
    )
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_in_production_behind_https():
    result = run(CHECK, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (1 silenced)" in result.stdout


def test_the_deploy_check_fails_without_https():
    result = run(CHECK, **{**PRODUCTION, "DJANGO_HTTPS": ""})
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_only_the_hsts_preload_reminder_is_silenced_while_preload_is_off():
    result = run(["-c", UNSILENCED_CHECK], **PRODUCTION)
    assert "preload False silenced ['security.W021']" in result.stdout
    # With nothing silenced, the check fails on that reminder and on nothing else.
    assert result.returncode != 0
    assert "security.W021" in result.stderr
    assert "System check identified 1 issue (0 silenced)" in result.stderr


def test_hsts_preload_on_sends_preload_and_silences_nothing():
    result = run(CHECK, **PRODUCTION, DJANGO_HSTS_PRELOAD="1")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout
    result = run(["-c", UNSILENCED_CHECK], **PRODUCTION, DJANGO_HSTS_PRELOAD="1")
    assert result.returncode == 0, result.stderr
    assert "preload True silenced []" in result.stdout
    header = run(["-c", HSTS_HEADER], **PRODUCTION, DJANGO_HSTS_PRELOAD="1")
    assert header.stdout.strip() == "max-age=31536000; includeSubDomains; preload"


def test_hsts_is_sent_without_preload_by_default():
    header = run(["-c", HSTS_HEADER], **PRODUCTION)
    assert header.returncode == 0, header.stderr
    assert header.stdout.strip() == "max-age=31536000; includeSubDomains"
