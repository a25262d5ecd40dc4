"""No lost edits: a save based on an outdated form is refused, and nothing half-saves."""

from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse

from articles.admin import ArticleAdmin
from articles.models import Article
from tests.factories import article_admin_data, make_article, make_editor

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def two_editors(client):
    from django.test import Client

    first, second = client, Client()
    first.force_login(make_editor("aiko", first_name="Aiko", last_name="Tanaka"))
    second.force_login(make_editor("bolat", first_name="Bolat", last_name="Seitkali"))
    return first, second


def test_second_save_from_a_stale_form_is_refused_and_keeps_the_text(two_editors):
    first, second = two_editors
    article = make_article("Water talks", body="Original body.")
    # Both open the article: each form carries the version it was built from.
    first_form = article_admin_data(article, body="Aiko's new body.")
    second_form = article_admin_data(article, body="Bolat's rewrite, an hour of work.")
    assert first.post(change_url(article), first_form).status_code == 302

    response = second.post(change_url(article), second_form)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Aiko Tanaka changed this article on" in page
    assert "your changes were not saved" in page
    assert "Fields where your version differs: Body." in page
    # The second editor's text is still in the form, ready to merge.
    assert "Bolat&#x27;s rewrite, an hour of work." in page
    article.refresh_from_db()
    assert article.body == "Aiko's new body."


def test_after_merging_the_second_editor_can_save(two_editors):
    first, second = two_editors
    article = make_article("Water talks")
    stale = article_admin_data(article, body="Second.")
    first.post(change_url(article), article_admin_data(article, body="First."))
    refused = second.post(change_url(article), stale)
    # The re-shown form carries the version the editor has now seen.
    form = refused.context["adminform"].form
    assert form.data["loaded_version"] == Article.objects.get(pk=article.pk).version
    merged = {**stale, "loaded_version": form.data["loaded_version"], "body": "First. Second."}
    assert second.post(change_url(article), merged).status_code == 302
    article.refresh_from_db()
    assert article.body == "First. Second."


def test_every_save_raises_the_version(two_editors):
    first, _ = two_editors
    article = make_article("Counting")
    start = article.version
    first.post(change_url(article), article_admin_data(article, title="Counting 2"))
    article.refresh_from_db()
    assert article.version == start + 1


def test_a_list_action_also_outdates_open_forms(two_editors):
    first, second = two_editors
    article = make_article("Live piece")
    open_form = article_admin_data(article, title="Edited while live")
    first.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [article.pk]},
    )
    response = second.post(change_url(article), open_form)
    assert response.status_code == 200
    assert "changed this article on" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.title == "Live piece"


def test_a_failure_half_way_through_a_save_leaves_nothing_half_saved(two_editors):
    first, _ = two_editors
    article = make_article("Atomic", tags=["energy"])
    data = article_admin_data(article, title="Half saved?", tags="energy, grid,")
    with (
        mock.patch.object(ArticleAdmin, "save_related", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        first.post(change_url(article), data)
    article.refresh_from_db()
    assert article.title == "Atomic"
    assert set(article.tags.names()) == {"energy"}


def test_sqlite_is_configured_for_several_writers():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite settings only")
    options = database["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_two_editors_saving_at_once_on_sqlite_never_see_database_is_locked(
    tmp_path, django_db_blocker
):
    """Real concurrency on a SQLite file with the project's options: every write lands."""
    import threading

    from django.db import connections, transaction

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite settings only")
    alias = "concurrency_check"
    configured = connections.configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.dummy"},
            alias: {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "concurrency.sqlite3"),
                "OPTIONS": settings.DATABASES["default"]["OPTIONS"],
            },
        }
    )
    connections.settings[alias] = configured[alias]
    errors: list[Exception] = []
    rounds = 25

    def editor_saves() -> None:
        try:
            for _ in range(rounds):
                # Read then write in one transaction, as an admin save does.
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (n,) = cursor.fetchone()
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
        except Exception as error:
            errors.append(error)
        finally:
            connections[alias].close()

    try:
        with django_db_blocker.unblock():
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE counter (n integer)")
                cursor.execute("INSERT INTO counter VALUES (0)")
            connections[alias].close()
            threads = [threading.Thread(target=editor_saves) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                (total,) = cursor.fetchone()
            connections[alias].close()
    finally:
        del connections.settings[alias]
    assert errors == []
    assert total == 3 * rounds  # and no save was lost
