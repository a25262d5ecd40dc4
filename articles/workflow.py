"""Who may do what to an article.

Roles are groups defined in `summit/roles.py` and created by migrations: an *Editor* holds the
`articles.publish_article` permission and may do everything on articles; a *Contributor*
lacks it and may only write and edit their own drafts. The admin asks these functions, so
the form, the list actions and forged POSTs all meet the same rules.
"""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from articles.models import Article
from summit.dates import format_local

# What a Contributor may not set: publishing, scheduling and featuring are editors' calls.
EDITOR_ONLY_FIELDS = ("status", "publish_at", "featured")

# Shown to Contributors beside the status they cannot change, so a read-only field explains itself.
# Both are marked for translation here and translated where they are shown.
WHY_EDITORS_PUBLISH = gettext_noop(
    "Editors publish: when your draft is ready, press “Submit for review” and an editor will "
    "review it."
)
# A draft's publish time is only the field's default (when the form was opened or the draft
# first saved); showing it to a Contributor would read as a publication date.
PUBLISH_TIME_NOT_SET = gettext_noop("Set by an editor when the article is published.")

User = AbstractBaseUser | AnonymousUser


def is_editor(user: User) -> bool:
    """May publish, schedule, feature, and edit or delete anyone's articles."""
    return user.has_perm("articles.publish_article")


def may_modify(user: User, article: Article | None, action: Literal["change", "delete"]) -> bool:
    """Whether `user` may change or delete `article` (`action` names the model permission).

    Editors may do it to any article; Contributors only to their own drafts, never to a
    published one. `article=None` asks about articles in general (the admin's list).
    """
    if not user.has_perm(f"articles.{action}_article"):
        return False
    if article is None or is_editor(user):
        return True
    return article.author_id == user.pk and article.status == Article.Status.DRAFT


def may_submit(user: User, article: Article | None) -> bool:
    """Whether `user` may submit `article` (None: a new one) for review: a draft they may
    change, so Contributors their own drafts and Editors any draft."""
    if article is not None and article.status != Article.Status.DRAFT:
        return False
    if article is None:
        return user.has_perm("articles.add_article")
    return may_modify(user, article, "change")


def may_review(user: User) -> bool:
    """Whether `user` may approve (publish or schedule), return or override the checklist:
    Editors, on any article."""
    return is_editor(user) and user.has_perm("articles.change_article")


def publication_state(article: Article) -> str:
    """What readers can see of `article` now, with the time in the site's zone named.

    "Scheduled — goes live 2 Dec 2026, 09:00 (Asia/Tokyo)", "Published — live since …",
    "In review — …" or "Draft — not on the site".
    """
    if article.status == Article.Status.REVIEW:
        return _("In review — not on the site until an editor publishes it")
    if article.status != Article.Status.PUBLISHED:
        return _("Draft — not on the site")
    if article.is_scheduled:
        return _("Scheduled — goes live %(time)s") % {"time": format_local(article.publish_at)}
    return _("Published — live since %(time)s") % {"time": format_local(article.publish_at)}


def publish_time_for_display(article: Article) -> str:
    """The publish time as a Contributor should read it: a real time only once there is one."""
    if article.pk is None or article.status != Article.Status.PUBLISHED:
        return _(PUBLISH_TIME_NOT_SET)
    return format_local(article.publish_at)
