"""The flush after a test that commits (tests/conftest.py) leaves every table empty."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import make_area, make_article, make_country, make_editor


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_committing_test_empties_every_table() -> None:
    make_editor("desk")
    make_article(
        "Linked", countries=[make_country("Kazakhstan")], areas=[make_area("Energy")], tags=["a"]
    )
    # As pytest-django flushes after the test (the signal that recreates content types and
    # permissions is left out here, so that nothing is written back).
    call_command(
        "flush", interactive=False, verbosity=0, reset_sequences=False, inhibit_post_migrate=True
    )
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        filled = []
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            if cursor.fetchone()[0]:
                filled.append(table)
    assert "articles_article" in tables
    assert filled == []
