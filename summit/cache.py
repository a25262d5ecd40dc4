"""The content generation: one number that moves whenever anything readers can see changes.

Cached pages and cached aggregates (counts, facets, the coverage matrix) put the generation in
their keys, so one `bump_content_generation()` after a write makes every one of them stale at
once, in every process that shares the cache, with no list of keys to hunt down. Writers do not
call it directly: the apps connect their change signals to it (see `articles.apps`).

Work done between two writes is shared by every request and every worker; the first request
after a write recomputes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

GENERATION_KEY = "summit:content-generation"
# Cached values also expire by themselves, so a change made behind the site's back (raw SQL, a
# restored backup) shows within this many seconds even if nothing bumped the generation.
SAFETY_TIMEOUT = 60 * 60

T = TypeVar("T")
_MISSING = object()


def _fresh_generation() -> int:
    # Milliseconds since the epoch: a cache that was emptied never hands out a number it used
    # before, so an old cached page can never look current again.
    return time.time_ns() // 1_000_000


def content_generation() -> int:
    """The current generation (one cache read)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return int(generation)


def bump_content_generation(**kwargs: object) -> None:
    """Make everything cached for readers stale; usable directly as a signal receiver."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was evicted or never set
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def cached_for_content(
    name: str, compute: Callable[[], T], *, timeout: int | None = SAFETY_TIMEOUT
) -> T:
    """`compute()`'s result, shared until the content changes (or `timeout` seconds pass).

    `name` must say everything the result depends on besides the content, e.g.
    "facets:country=kazakhstan&tag=energy".
    """
    key = f"summit:content:{content_generation()}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)
    return value


def _saved(sender, update_fields=None, **kwargs: object) -> None:
    # Signing in writes only `last_login`: nothing a reader sees.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump_content_generation()


def bump_on_changes_to(*model_classes: type[models.Model]) -> None:
    """Move the generation whenever a row of these models is saved or deleted, or their
    many-to-many links change (for link models, pass the through model).

    The editorial write path announces its writes too (`articles_changed`); these signals also
    catch the ORM saves that bypass it (the shell, tests, third-party code). Bulk `update()`
    and raw SQL send no signal: those wait for `SAFETY_TIMEOUT`, or call
    `bump_content_generation()`.
    """
    for model in model_classes:
        uid = f"summit.cache.{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}.save", weak=False)
        post_delete.connect(
            bump_content_generation, sender=model, dispatch_uid=f"{uid}.delete", weak=False
        )
        m2m_changed.connect(
            bump_content_generation, sender=model, dispatch_uid=f"{uid}.m2m", weak=False
        )
