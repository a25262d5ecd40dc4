"""Email about review steps: the editors hear of a submission, the author of a return, a
publication or a schedule; nobody hears of a step that was rolled back."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ChecklistError
from tests.factories import (
    article_admin_data,
    make_area,
    make_article,
    make_contributor,
    make_country,
    make_editor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://news.example"


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the signal, the mail) when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def draft_by(author, **fields) -> Article:
    return make_article(
        fields.pop("title", "Rogun dam financing"),
        published=False,
        author=author,
        countries=[make_country()],
        areas=[make_area()],
        **fields,
    )


def test_submitting_mails_each_editor_with_the_note_and_a_link(commits):
    desk = make_editor("desk", email="desk@news.example")
    night = make_editor("night", email="night@news.example")
    make_editor("noemail")  # no address: nothing to send to
    make_editor("gone", email="gone@news.example", is_active=False)
    writer = make_contributor("wanda", first_name="Wanda", last_name="Writer", email="w@x.example")
    article = draft_by(writer)
    with commits():
        article.submit_for_review(user=writer, note="Figures checked twice.")
    assert sorted(message.to[0] for message in mail.outbox) == [
        desk.email,
        night.email,
    ]
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others
    message = mail.outbox[0]
    assert message.subject == "[Summit] Submitted for review: Rogun dam financing"
    assert "Wanda Writer submitted “Rogun dam financing” for review." in message.body
    assert "Figures checked twice." in message.body
    link = "https://news.example" + reverse("admin:articles_article_change", args=[article.pk])
    assert link in message.body
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL


def test_an_editor_submitting_is_not_mailed_about_it(commits):
    desk = make_editor("desk", email="desk@news.example")
    other = make_editor("other", email="other@news.example")
    with commits():
        draft_by(desk).submit_for_review(user=desk)
    assert [message.to for message in mail.outbox] == [[other.email]]


def test_returning_mails_the_author_with_the_note(commits):
    writer = make_contributor("wanda", email="wanda@news.example")
    editor = make_editor("desk", first_name="Dana", last_name="Desk", email="desk@news.example")
    article = draft_by(writer)
    article.submit_for_review(user=writer)
    with commits():
        article.return_to_draft(user=editor, note="Please add a source for the cost.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wanda@news.example"]
    assert message.subject == "[Summit] Returned to you: Rogun dam financing"
    assert "Dana Desk returned “Rogun dam financing” to you as a draft" in message.body
    assert "Please add a source for the cost." in message.body
    assert "https://news.example/admin/articles/article/" in message.body


def test_publishing_mails_the_author_with_the_public_address(commits):
    writer = make_contributor("wanda", email="wanda@news.example")
    editor = make_editor("desk")
    article = draft_by(writer)
    with commits():
        article.publish(user=editor, note="Front page tomorrow.")
    assert [message.to for message in mail.outbox] == [["wanda@news.example"]]
    message = mail.outbox[0]
    assert message.subject == "[Summit] Published: Rogun dam financing"
    assert "Front page tomorrow." in message.body
    assert "https://news.example" + article.get_absolute_url() in message.body


def test_scheduling_mails_the_author_when_it_goes_live(commits):
    writer = make_contributor("wanda", email="wanda@news.example")
    article = draft_by(writer)
    with commits():
        article.publish(user=make_editor(), at=timezone.now() + timedelta(days=3))
    assert mail.outbox[0].subject == "[Summit] Scheduled: Rogun dam financing"
    assert "it goes live" in mail.outbox[0].body


def test_an_editor_publishing_their_own_article_gets_no_mail(commits):
    editor = make_editor("desk", email="desk@news.example")
    with commits():
        draft_by(editor).publish(user=editor)
    assert mail.outbox == []


def test_no_mail_for_a_step_that_is_rolled_back(commits):
    make_editor("desk", email="desk@news.example")
    writer = make_contributor("wanda", email="wanda@news.example")
    article = draft_by(writer)
    with commits(), pytest.raises(RuntimeError), transaction.atomic():
        article.submit_for_review(user=writer, note="Ready")
        raise RuntimeError("the request failed after the step")
    assert mail.outbox == []
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_no_mail_when_the_checklist_refuses(commits):
    writer = make_contributor("wanda", email="wanda@news.example")
    article = make_article("Bare", published=False, author=writer)
    with commits(), pytest.raises(ChecklistError):
        article.publish(user=make_editor())
    assert mail.outbox == []


def test_a_mail_server_that_fails_does_not_undo_the_step(commits, caplog):
    make_editor("desk", email="desk@news.example")
    writer = make_contributor("wanda")
    article = draft_by(writer)
    with (
        mock.patch(
            "articles.notifications.get_connection", side_effect=OSError("SMTP server down")
        ),
        commits(),
    ):
        article.submit_for_review(user=writer)
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW
    assert "Could not send the review email" in caplog.text


def test_submitting_from_the_admin_mails_the_editors(client, commits):
    desk = make_editor("desk", email="desk@news.example")
    writer = make_contributor("wanda")
    client.force_login(writer)
    article = draft_by(writer)
    data = article_admin_data(article, review_note="Over to you")
    data["_submit_for_review"] = "Submit for review"
    with commits():
        response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[desk.email]]
    assert "Over to you" in mail.outbox[0].body


# Settings: the console unless SMTP is configured.

PRINT_EMAIL = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.EMAIL_BACKEND, getattr(settings, 'EMAIL_HOST', ''), "
    "getattr(settings, 'EMAIL_PORT', ''), getattr(settings, 'EMAIL_HOST_USER', ''), "
    "getattr(settings, 'EMAIL_USE_TLS', ''), settings.DEFAULT_FROM_EMAIL)"
)


def email_settings(**env: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_", "DEFAULT_FROM"))
    }
    clean |= {
        "DJANGO_SETTINGS_MODULE": "summit.settings",
        "DJANGO_ENV_FILE": "",
        "DJANGO_DEBUG": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT_EMAIL],
        env={**clean, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_email_goes_to_the_console_by_default():
    assert email_settings().startswith("django.core.mail.backends.console.EmailBackend")


def test_email_url_chooses_smtp():
    printed = email_settings(
        EMAIL_URL="smtp://desk%40news.example:secret@mail.example:587/?tls=1",
        DEFAULT_FROM_EMAIL="Desk <desk@news.example>",
    )
    assert printed == (
        "django.core.mail.backends.smtp.EmailBackend mail.example 587 desk@news.example True "
        "Desk <desk@news.example>"
    )


def test_email_host_chooses_smtp():
    printed = email_settings(EMAIL_HOST="mail.example", EMAIL_PORT="2525", EMAIL_USE_TLS="1")
    assert printed.startswith("django.core.mail.backends.smtp.EmailBackend mail.example 2525")
