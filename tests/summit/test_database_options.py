"""PostgreSQL statements are bound on the server and prepared, unless that is turned off."""

import pytest
from django.db import connection

from articles.models import Article
from tests.summit.test_settings import load_settings

PRINT_OPTIONS = (
    "import django; from django.conf import settings; django.setup(); "
    "options = settings.DATABASES['default'].get('OPTIONS', {}); "
    "print(options.get('server_side_binding'), options.get('prepare_threshold'), "
    "options.get('options'))"
)


def options_for(**env: str) -> str:
    result = load_settings(
        DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/summit", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_statements_are_prepared_by_default(monkeypatch):
    import tests.summit.test_settings as settings_test

    monkeypatch.setattr(settings_test, "PRINT_SETTINGS", PRINT_OPTIONS)
    assert options_for() == "True 2 -c jit=off"
    assert options_for(DATABASE_PREPARED_STATEMENTS="0") == "None None -c jit=off"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_statement_run_twice_on_a_connection_is_prepared_on_the_server():
    if not connection.settings_dict["OPTIONS"].get("server_side_binding"):
        pytest.skip("DATABASE_PREPARED_STATEMENTS=0 in this run")
    for slug in ("one", "two", "three"):
        list(Article.objects.filter(slug=slug, status="published"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"articles_article"."slug" = $1' in statement for statement in prepared), prepared
