"""Who may do what to an article, and the guard against two editors overwriting each other.

Roles are groups created by the `summit` data migration: an *Editor* holds the
`articles.publish_article` permission and may do everything on articles; a *Contributor*
lacks it and may only write and edit their own drafts. The admin asks these functions, so
the form, the list actions and forged POSTs all meet the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from reversion.models import Version

from articles.models import Article
from summit.dates import format_local

EDITOR = "Editor"
CONTRIBUTOR = "Contributor"
ROLES = {"editor": EDITOR, "contributor": CONTRIBUTOR}

# What a Contributor may not set: publishing, scheduling and featuring are editors' calls.
EDITOR_ONLY_FIELDS = ("status", "publish_at", "featured")

# Shown to Contributors beside the status they cannot change, so a read-only field explains itself.
WHY_EDITORS_PUBLISH = "Editors publish; save your draft and an editor will review it."
# A draft's publish time is only the field's default (when the form was opened or the draft
# first saved); showing it to a Contributor would read as a publication date.
PUBLISH_TIME_NOT_SET = "Set by an editor when the article is published."

User = AbstractBaseUser | AnonymousUser

# A revision and the row's updated_at this close together describe the same save.
SAME_CHANGE = timedelta(minutes=1)


def is_editor(user: User) -> bool:
    """May publish, schedule, feature, and edit or delete anyone's articles."""
    return user.has_perm("articles.publish_article")


def may_edit(user: User, article: Article | None) -> bool:
    """Editors may change any article; Contributors only their own drafts."""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or is_editor(user):
        return True
    return article.author_id == user.pk and article.status == Article.Status.DRAFT


def may_delete(user: User, article: Article | None) -> bool:
    """Editors may delete any article; Contributors only their own drafts, never a published one."""
    if not user.has_perm("articles.delete_article"):
        return False
    if article is None or is_editor(user):
        return True
    return article.author_id == user.pk and article.status == Article.Status.DRAFT


def publication_state(article: Article) -> str:
    """What readers can see of `article` now, with the time in the site's zone named.

    "Scheduled — goes live 2 Dec 2026, 09:00 (Asia/Tokyo)", "Published — live since …" or
    "Draft — not on the site".
    """
    if article.status != Article.Status.PUBLISHED:
        return "Draft — not on the site"
    if article.is_scheduled:
        return f"Scheduled — goes live {format_local(article.publish_at)}"
    return f"Published — live since {format_local(article.publish_at)}"


def publish_time_for_display(article: Article) -> str:
    """The publish time as a Contributor should read it: a real time only once there is one."""
    if article.pk is None or article.status != Article.Status.PUBLISHED:
        return PUBLISH_TIME_NOT_SET
    return format_local(article.publish_at)


@dataclass(frozen=True)
class EditConflict(Exception):
    """Someone saved the article after the editor opened it."""

    current_version: int
    changed_by: str
    changed_at: datetime

    @property
    def message(self) -> str:
        return (
            f"{self.changed_by} changed this article on {format_local(self.changed_at)} while you "
            "were editing it, so your changes were not saved. Your text is still in the form: "
            "compare it with the saved version (open the article again in another tab, or see "
            "its history), merge what you want to keep, and save again."
        )


def check_version(article: Article, loaded_version: int) -> int:
    """The article's saved version, locked for this transaction; EditConflict if it moved on.

    `loaded_version` is the version the editor's form was built from. Must run inside the
    transaction that saves, so nobody can slip in between the check and the write.
    """
    assert transaction.get_connection().in_atomic_block, "check_version needs a transaction"
    current = (
        Article.objects.select_for_update()
        .filter(pk=article.pk)
        .values_list("version", "updated_at")
        .first()
    )
    if current is None:
        raise Article.DoesNotExist
    version, updated_at = current
    if loaded_version == version:
        return version
    latest = (
        Version.objects.get_for_object_reference(Article, article.pk)
        .select_related("revision__user")
        .first()
    )
    # A change made outside the admin (a script, the shell) leaves no revision: name nobody.
    if latest and abs(latest.revision.date_created - updated_at) < SAME_CHANGE:
        user = latest.revision.user
        changed_by = (user.get_full_name() or user.get_username()) if user else "Someone"
    else:
        changed_by = "Someone"
    changed_at = updated_at
    raise EditConflict(current_version=version, changed_by=changed_by, changed_at=changed_at)
