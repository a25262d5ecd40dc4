"""Links that never break: a 301 from every address a page used to have.

Apps register the models whose public address is built from their slug
(`track_slug_changes()`, from their `AppConfig.ready()`); when such a row changes its slug,
the old path is recorded as a `Redirect`, and the middleware answers a 404 at that path with
a permanent redirect. The core names no model of the apps above it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from urllib.parse import unquote

from django.db import models
from django.db.models.signals import post_save, pre_save
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from summit.models import Redirect

# Decides whether the address `before` had (the row as saved, with the fields asked for) was
# public, given the row about to be saved.
WasPublic = Callable[[models.Model, models.Model], bool]


def record_move(old_path: str, new_path: str) -> None:
    """Send readers of `old_path` to `new_path` from now on, without chains or loops."""
    old_path, new_path = unquote(old_path), unquote(new_path)
    if old_path == new_path:
        return
    # The new address is live (again): nothing may point away from it.
    Redirect.objects.filter(old_path=new_path).delete()
    # Older addresses that led to old_path now lead straight to the new one.
    Redirect.objects.filter(new_path=old_path).update(new_path=new_path)
    Redirect.objects.update_or_create(old_path=old_path, defaults={"new_path": new_path})


class SlugTracker:
    """The pre_save/post_save pair that records a move when a row's slug changes."""

    def __init__(self, when: WasPublic | None, reads: Iterable[str]) -> None:
        self.when = when
        self.reads = tuple(reads)

    def old_address(self, sender: type[models.Model], instance: models.Model) -> str | None:
        """The public path `instance` had before this save, if its slug is changing."""
        if instance.pk is None:
            return None
        # One query reads the saved slug and whatever `when` needs to judge the old address.
        saved = sender._base_manager.filter(pk=instance.pk).only("slug", *self.reads).first()
        if saved is None or saved.slug == instance.slug:
            return None
        if self.when is not None and not self.when(saved, instance):
            return None
        before = copy.copy(instance)
        before.slug = saved.slug
        return before.get_absolute_url()

    def remember(self, sender, instance, **kwargs) -> None:
        instance._summit_old_path = self.old_address(sender, instance)

    def redirect(self, sender, instance, created: bool, **kwargs) -> None:
        old_path = getattr(instance, "_summit_old_path", None)
        if old_path:
            record_move(old_path, instance.get_absolute_url())
            instance._summit_old_path = None


def track_slug_changes(
    model: type[models.Model], *, when: WasPublic | None = None, reads: Iterable[str] = ()
) -> None:
    """Redirect the old address of a `model` row whenever its slug changes.

    `model` needs a `slug` field and a `get_absolute_url()` built from it. `when(before,
    after)` may veto a redirect, e.g. for a draft whose address was never public; `reads`
    names the fields it reads from `before`, loaded in the same query as the old slug.
    Calling it again for the same model replaces the earlier registration.
    """
    label = model._meta.label
    tracker = SlugTracker(when, reads)
    for signal, receiver, uid in (
        (pre_save, tracker.remember, f"redirect-pre-{label}"),
        (post_save, tracker.redirect, f"redirect-post-{label}"),
    ):
        # connect() ignores a uid it already knows, so drop the earlier receiver first.
        signal.disconnect(sender=model, dispatch_uid=uid)
        # Held strongly: the tracker lives only as long as the signal keeps it.
        signal.connect(receiver, sender=model, weak=False, dispatch_uid=uid)


def _could_be_recorded(path: str) -> bool:
    # Only paths a page could have had are looked up: a NUL byte (which PostgreSQL refuses)
    # or a path longer than the column can never match, and must stay a plain 404.
    max_length = Redirect._meta.get_field("old_path").max_length
    return "\x00" not in path and len(path) <= max_length


class RedirectFallbackMiddleware:
    """Turns a 404 into a 301 when the path is one a page used to live at."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if not _could_be_recorded(request.path):
            return response
        new_path = (
            Redirect.objects.filter(old_path=request.path)
            .values_list("new_path", flat=True)
            .first()
        )
        if new_path is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{new_path}?{query}" if query else new_path)
