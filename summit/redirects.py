"""Links that never break: a 301 from every address a page used to have.

When an article, tag, country or cooperation area changes its slug, the old path is recorded
as a `Redirect`; the middleware answers a 404 at that path with a permanent redirect.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from urllib.parse import unquote

from django.db import models
from django.db.models.signals import post_save, pre_save
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from summit.models import Redirect

# Models whose public address is built from their slug.
TRACKED_MODELS = (
    "articles.Article",
    "articles.Tag",
    "countries.Country",
    "countries.CooperationArea",
)


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


def _old_address(sender: type[models.Model], instance: models.Model) -> str | None:
    """The public path `instance` had before this save, if its slug is changing."""
    if instance.pk is None:
        return None
    previous = sender._base_manager.filter(pk=instance.pk).values("slug", *_status_field(sender))
    previous = previous.first()
    if previous is None or previous["slug"] == instance.slug:
        return None
    if "status" in previous and "published" not in (previous["status"], instance.status):
        # A draft's address was never public; a redirect would only leak its new title.
        return None
    before = copy.copy(instance)
    before.slug = previous["slug"]
    return before.get_absolute_url()


def _status_field(sender: type[models.Model]) -> tuple[str, ...]:
    return ("status",) if any(f.name == "status" for f in sender._meta.fields) else ()


def remember_old_address(sender, instance, **kwargs) -> None:
    instance._summit_old_path = _old_address(sender, instance)


def redirect_old_address(sender, instance, created: bool, **kwargs) -> None:
    old_path = getattr(instance, "_summit_old_path", None)
    if old_path:
        record_move(old_path, instance.get_absolute_url())
        instance._summit_old_path = None


def connect_signals() -> None:
    from django.apps import apps

    for label in TRACKED_MODELS:
        model = apps.get_model(label)
        pre_save.connect(remember_old_address, sender=model, dispatch_uid=f"redirect-pre-{label}")
        post_save.connect(redirect_old_address, sender=model, dispatch_uid=f"redirect-post-{label}")


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
