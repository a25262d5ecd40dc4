"""Email about the review workflow: the editors when something is submitted, the author when
it is returned, published or scheduled.

Listens to `articles.events.review_step`, which is sent only once a step has committed, so a
rolled-back step mails nobody. Mail goes through Django's mail API (`EMAIL_BACKEND`: the
console unless SMTP is configured, see summit/settings.py). A mail server that fails is
logged, never turned into an error for the editor whose step is already saved.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from articles.models import Article, AuthorProfile, ReviewNote
from summit.dates import format_local

logger = logging.getLogger(__name__)

# `User.objects.with_perm()` must be told which backend decides (axes' comes first).
PERMISSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def site_url() -> str:
    """The site's address for links in emails, which are sent without a request.

    `SITE_URL` (DJANGO_SITE_URL) when set; otherwise the first named host the site answers
    to, over HTTPS when the site runs behind HTTPS.
    """
    if getattr(settings, "SITE_URL", ""):
        return settings.SITE_URL.rstrip("/")
    hosts = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
    host = hosts[0] if hosts else "localhost:8000"
    scheme = "https" if getattr(settings, "SECURE_SSL_REDIRECT", False) else "http"
    return f"{scheme}://{host}"


def admin_link(article: Article) -> str:
    return site_url() + reverse("admin:articles_article_change", args=[article.pk])


def editors() -> list[AbstractBaseUser]:
    """Active accounts that may publish, with an email address."""
    users = get_user_model().objects.with_perm(
        "articles.publish_article", is_active=True, backend=PERMISSION_BACKEND
    )
    return list(users.exclude(email="").order_by("pk"))


def on_review_step(sender, *, article_id: int, kind: str, note: str, user, **kwargs) -> None:
    """The `review_step` receiver: write to whoever the step concerns."""
    article = Article.objects.select_related("author").filter(pk=article_id).first()
    if article is None:
        return
    try:
        # Sent without a request: in the site's language, whatever page took the step.
        with translation.override(settings.LANGUAGE_CODE):
            messages = list(_messages_for(article, kind, note, user))
        if messages:
            get_connection().send_messages(messages)
    except Exception:
        # The step is saved; a mail server that is down must not turn it into an error.
        logger.exception("Could not send the review email for article %s (%s)", article_id, kind)


def _name(user: AbstractBaseUser | None) -> str:
    return AuthorProfile.name_of(user) if user is not None else _("Someone")


def _messages_for(
    article: Article, kind: str, note: str, user: AbstractBaseUser | None
) -> Iterable[EmailMessage]:
    acting = getattr(user, "pk", None)
    if kind == ReviewNote.Kind.SUBMITTED:
        subject = _("Submitted for review: %(title)s") % {"title": article.title}
        lines = [
            _("%(name)s submitted “%(title)s” for review.")
            % {"name": _name(user), "title": article.title},
            _("Author: %(author)s") % {"author": article.author_name},
        ]
        if note:
            lines += ["", _("Their note:"), note]
        lines += ["", _("Review it, publish or return it: %(url)s") % {"url": admin_link(article)}]
        recipients = [editor for editor in editors() if editor.pk != acting]
        yield from _one_each(recipients, subject, lines)
        return
    author = article.author
    if author is None or not author.email or not author.is_active or author.pk == acting:
        return  # nobody else to tell: the author took the step themselves, or has no address
    if kind == ReviewNote.Kind.RETURNED:
        subject = _("Returned to you: %(title)s") % {"title": article.title}
        lines = [
            _("%(name)s returned “%(title)s” to you as a draft, with this note:")
            % {"name": _name(user), "title": article.title},
            "",
            note,
            "",
            _("Change it and submit it again: %(url)s") % {"url": admin_link(article)},
        ]
    elif kind in {ReviewNote.Kind.PUBLISHED, ReviewNote.Kind.SCHEDULED}:
        if kind == ReviewNote.Kind.SCHEDULED:
            subject = _("Scheduled: %(title)s") % {"title": article.title}
            first = _("%(name)s scheduled “%(title)s”: it goes live %(time)s.") % {
                "name": _name(user),
                "title": article.title,
                "time": format_local(article.publish_at),
            }
        else:
            subject = _("Published: %(title)s") % {"title": article.title}
            first = _("%(name)s published “%(title)s”.") % {
                "name": _name(user),
                "title": article.title,
            }
        lines = [first]
        if note:
            lines += ["", _("Their note:"), note]
        lines += [
            "",
            _("Readers will find it at %(url)s") % {"url": site_url() + article.get_absolute_url()},
        ]
    else:
        return
    yield from _one_each([author], subject, lines)


def _one_each(
    recipients: Iterable[AbstractBaseUser], subject: str, lines: list[str]
) -> Iterable[EmailMessage]:
    # One message per person: nobody sees the others' addresses.
    prefix = f"[{settings.SITE_NAME}] "
    for recipient in recipients:
        yield EmailMessage(
            subject=prefix + subject,
            body="\n".join(lines) + "\n",
            to=[recipient.email],
        )
