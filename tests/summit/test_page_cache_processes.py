"""Two processes sharing one cache: a write in either shows in the other's pages at once.

The second process is a separate Python started on the test database (committed rows, so
these tests use a transactional database and run last) and on the same cache: Redis when
REDIS_URL is set, otherwise this run's cache folder, as several workers on one machine share.
"""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from articles.models import Article
from summit.page_cache import CACHE_STATUS_HEADER
from tests.factories import make_area, make_article, make_country
from tests.summit.test_page_cache import WIRE_STORY

PEER = """
import sys

import django

django.setup()

from django.core.management import call_command
from django.test import Client

action, argument, *rest = sys.argv[1:]
if action == "import":
    call_command("import_article", argument, "--publish")
elif action == "rename-country":
    from countries.models import Country

    country = Country.objects.get(slug=argument)
    country.name = rest[0]
    country.save()
else:
    response = Client().get(argument)
    print(response.headers.get("X-Page-Cache", "-"), response.status_code)
    print(response.content.decode())
"""


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = quote(database["USER"] or "")
    password = quote(database["PASSWORD"] or "")
    host = database["HOST"] or "127.0.0.1"
    return f"postgres://{user}:{password}@{host}:{database['PORT'] or 5432}/{database['NAME']}"


def peer_environment(**extra: str) -> dict[str, str]:
    """The environment of another process on the test database and this run's cache."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "summit.settings",
        "DJANGO_ENV_FILE": "",
        # Debug only so pages render without collectstatic's manifest; the cache is the same.
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url(),
        **extra,
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    else:
        env.pop("REDIS_URL", None)
        env["DJANGO_CACHE_DIR"] = settings.CACHES["default"]["LOCATION"]
    return env


def peer(*args: str) -> str:
    """Run PEER in a new Python process on the test database and this run's cache."""
    done = subprocess.run(
        [sys.executable, "-c", PEER, *args],
        cwd=settings.BASE_DIR,
        env=peer_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(params=["redis", "file"])
def shared_cache(request):
    if request.param == "redis" and not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: no Redis to share (e.g. redis://127.0.0.1:6379/15)")
    if request.param == "file" and settings.REDIS_URL:
        pytest.skip("this run's cache is Redis (REDIS_URL is set), not a cache folder")
    return request.param


@pytest.mark.django_db(transaction=True)
def test_a_write_in_one_process_shows_in_the_other_at_once(client, shared_cache, tmp_path):
    make_article("First story")
    # What the imported story's countries and areas are recognised as (the checklist).
    make_country("Kazakhstan")
    make_area("Energy")
    client.get("/")
    assert client.get("/")[CACHE_STATUS_HEADER] == "hit"

    # Another process (a management command) writes: this one's stored page is stale.
    wire = tmp_path / "wire.md"
    wire.write_text(WIRE_STORY)
    peer("import", str(wire))
    home = client.get("/")
    assert home[CACHE_STATUS_HEADER] == "miss"
    assert "Tokyo funds a railway" in home.content.decode()

    # The other process is served the page this one stored...
    assert peer("page", "/").startswith("hit 200")
    # ...until this one writes.
    Article.objects.filter(title="Tokyo funds a railway").get().unpublish(user=None)
    answer = peer("page", "/")
    assert answer.startswith("miss 200")
    assert "Tokyo funds a railway" not in answer


@pytest.mark.django_db(transaction=True)
def test_a_country_renamed_in_one_process_shows_in_the_others_article_page(client, shared_cache):
    # This process keeps every country per content generation (`places()`): the other's
    # write moves the generation they share, so the next page here reads them again.
    kz = make_country("Kazakhstan")
    story = make_article("Steppe grid", countries=[kz], primary_country=kz)
    url = story.get_absolute_url()
    page = client.get(url).content.decode()
    assert '<a href="/countries/kazakhstan/">Kazakhstan</a>' in page

    peer("rename-country", "kazakhstan", "Qazaqstan")
    page = client.get(url).content.decode()
    assert '<p class="kicker"><a href="/countries/kazakhstan/">Qazaqstan</a></p>' in page
    assert 'class="chip" href="/countries/kazakhstan/">Qazaqstan<' in page
    assert "Kazakhstan" not in page
