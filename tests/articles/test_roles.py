"""Roles: what Contributors and Editors may do, through the form, the list and forged POSTs."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article
from tests.factories import (
    article_admin_data,
    make_area,
    make_article,
    make_contributor,
    make_country,
    make_editor,
    make_scheduled,
    make_staff,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_the_data_migration_creates_both_roles_with_the_publish_permission_for_editors():
    editor_perms = set(
        Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
    )
    contributor_perms = set(
        Group.objects.get(name="Contributor").permissions.values_list("codename", flat=True)
    )
    assert {"publish_article", "change_country", "delete_tag", "change_cooperationarea"} <= (
        editor_perms
    )
    assert "publish_article" not in contributor_perms
    assert {"add_article", "change_article", "view_tag"} <= contributor_perms


# Contributors.


def test_contributor_writes_a_draft_and_cannot_publish_it_through_the_form(contributor):
    response = contributor.post(
        reverse("admin:articles_article_add"),
        article_admin_data(title="My first draft", status="published", featured="on"),
    )
    assert response.status_code == 302
    article = Article.objects.get(title="My first draft")
    assert article.status == Article.Status.DRAFT
    assert article.featured is False
    assert article.author == contributor.user


def test_contributor_form_shows_status_and_schedule_read_only(contributor):
    draft = make_article("Mine", published=False, author=contributor.user)
    page = contributor.get(change_url(draft)).content.decode()
    assert 'name="title"' in page
    assert 'name="status"' not in page
    assert 'name="publish_at_0"' not in page
    assert 'name="featured"' not in page


def test_contributor_edits_own_draft_but_a_forged_status_is_ignored(contributor):
    draft = make_article("Mine", published=False, author=contributor.user)
    response = contributor.post(
        change_url(draft),
        article_admin_data(draft, title="Mine, revised", status="published", featured="on"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Mine, revised"
    assert draft.status == Article.Status.DRAFT
    assert not draft.featured


def test_contributor_cannot_edit_someone_elses_article(contributor):
    other = make_article("Theirs", published=False, author=make_editor("other"))
    page = contributor.get(change_url(other))
    assert page.status_code == 200  # may read it…
    assert 'name="title"' not in page.content.decode()  # …but the form is read-only
    forged = contributor.post(change_url(other), article_admin_data(other, title="Hijacked"))
    assert forged.status_code == 403
    other.refresh_from_db()
    assert other.title == "Theirs"


def test_contributor_cannot_edit_own_article_once_published(contributor):
    live = make_article("Live", author=contributor.user)
    response = contributor.post(change_url(live), article_admin_data(live, title="Changed"))
    assert response.status_code == 403
    live.refresh_from_db()
    assert live.title == "Live"


def test_contributor_cannot_use_publish_actions_even_by_forged_post(contributor):
    draft = make_article("Mine", published=False, author=contributor.user)
    page = contributor.get(reverse(CHANGELIST)).content.decode()
    assert "publish_now" not in page
    contributor.post(reverse(CHANGELIST), {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_contributor_may_delete_own_draft(contributor):
    draft = make_article("Mine", published=False, author=contributor.user)
    url = reverse("admin:articles_article_delete", args=[draft.pk])
    assert contributor.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_contributor_cannot_delete_a_published_article(contributor):
    live = make_article("Live", author=contributor.user)
    url = reverse("admin:articles_article_delete", args=[live.pk])
    assert contributor.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=live.pk).exists()


def test_contributor_bulk_delete_of_a_published_article_is_refused(contributor):
    mine = make_article("Mine", published=False, author=contributor.user)
    live = make_article("Live", author=contributor.user)
    response = contributor.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [mine.pk, live.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Article.objects.filter(pk__in=[mine.pk, live.pk]).count() == 2
    confirmation = contributor.post(
        reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [live.pk]}
    ).content.decode()
    assert "“Live” (published, or not yours)" in confirmation


def test_contributor_cannot_restore_revisions_or_recover_deleted_articles(contributor):
    mine = make_article("Mine", published=False, author=contributor.user)
    recover = contributor.get(reverse("admin:articles_article_recoverlist"))
    assert recover.status_code == 403
    revision = contributor.get(reverse("admin:articles_article_revision", args=[mine.pk, 1]))
    assert revision.status_code == 403


def test_contributor_cannot_change_countries(contributor):
    kz = make_country("Kazakhstan")
    url = reverse("admin:countries_country_change", args=[kz.pk])
    response = contributor.post(url, {"name": "Renamed", "slug": "renamed", "code": "KZ"})
    assert response.status_code == 403
    kz.refresh_from_db()
    assert kz.name == "Kazakhstan"


# Editors.


def test_editor_publishes_schedules_and_features_through_the_form(editor):
    draft = make_article(
        "Desk piece",
        published=False,
        author=make_contributor("w2"),
        # What the pre-publish checklist asks for.
        countries=[make_country()],
        areas=[make_area()],
    )
    response = editor.post(
        change_url(draft),
        article_admin_data(draft, status="published", featured="on", publish_at_0="2099-01-01"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.featured
    assert draft.is_scheduled
    listing = editor.get(reverse(CHANGELIST)).content.decode()
    assert "Scheduled for 01 Jan 2099" in listing


def test_editor_uses_the_publish_and_unpublish_actions(editor):
    # With what the pre-publish checklist asks for.
    draft = make_article("Queued", published=False, countries=[make_country()], areas=[make_area()])
    editor.post(reverse(CHANGELIST), {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_public
    editor.post(reverse(CHANGELIST), {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_editor_deletes_a_published_article(editor):
    live = make_article("Live")
    url = reverse("admin:articles_article_delete", args=[live.pk])
    assert editor.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=live.pk).exists()


def test_editor_cannot_manage_users(editor):
    assert editor.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_scheduled_article_goes_live_by_itself(client, time_machine):
    scheduled = make_scheduled("Tomorrow's news", days_ahead=1)
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    time_machine.move_to(scheduled.publish_at, tick=False)
    assert client.get(scheduled.get_absolute_url()).status_code == 200


# Superusers (Administrators) keep working: the demo editor is one.


def test_administrator_can_do_everything(client):
    admin = make_staff("root")
    client.force_login(admin)
    article = make_article("Any", published=False)
    assert client.get(change_url(article)).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


# The create_editor command.


def test_create_editor_makes_a_staff_account_in_the_role(monkeypatch):
    monkeypatch.setenv("SUMMIT_EDITOR_PASSWORD", "a-long-unusual-passphrase-19")
    out = StringIO()
    call_command("create_editor", "nadia", "--role", "contributor", stdout=out)
    user = get_user_model().objects.get(username="nadia")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Contributor"]
    assert user.check_password("a-long-unusual-passphrase-19")
    assert "Created contributor 'nadia'" in out.getvalue()


def test_create_editor_refuses_weak_passwords_and_existing_accounts(monkeypatch):
    monkeypatch.setenv("SUMMIT_EDITOR_PASSWORD", "password")
    with pytest.raises(CommandError, match="too common"):
        call_command("create_editor", "weak", "--role", "editor")
    assert not get_user_model().objects.filter(username="weak").exists()
    make_editor("taken")
    monkeypatch.setenv("SUMMIT_EDITOR_PASSWORD", "a-long-unusual-passphrase-19")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_editor", "taken", "--role", "editor")


def test_create_editor_without_a_terminal_asks_for_the_environment_variable(monkeypatch):
    monkeypatch.delenv("SUMMIT_EDITOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", StringIO())
    with pytest.raises(CommandError, match="SUMMIT_EDITOR_PASSWORD"):
        call_command("create_editor", "nobody", "--role", "editor")


def test_create_editor_prompts_for_the_password(monkeypatch):
    monkeypatch.delenv("SUMMIT_EDITOR_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    answers = iter(["a-long-unusual-passphrase-19", "a-long-unusual-passphrase-19"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    call_command("create_editor", "prompted", "--role", "editor", stdout=StringIO())
    user = get_user_model().objects.get(username="prompted")
    assert user.has_perm("articles.publish_article")
