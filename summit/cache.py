"""The content generation: one number that moves whenever anything readers can see changes.

Cached pages (`summit.page_cache`) and cached aggregates (counts, facets, the coverage matrix)
put the generation in their keys, so one `bump_content_generation()` after a write makes every
one of them stale at once, in every process that shares the cache, with no list of keys to
hunt down. Writers do not call it directly: the apps connect their change signals to it (see
`articles.apps`).

Content also changes with nothing saved: a scheduled article goes live at its time. Apps tell
the core when that happens next with `register_next_change()`; the instant is cached beside
the generation (computed once per generation), and the first reader after it moves the
generation once for everybody. A common request costs one cache read (`get_many` of both):
the state read first in a request is kept for the rest of it (the page cache, the kept
countries, areas, accounts and tags and the shared counts all ask), unless the request itself
moves the generation.

Work done between two writes is shared by every request and every worker; the first request
after a write recomputes.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started, setting_changed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

GENERATION_KEY = "summit:content-generation"
# (generation it was computed for, instant or None): any write moves the generation, and so
# makes the recorded instant stale too, since the write may have scheduled something sooner.
# Kept without expiry: recorded again after the instant had passed (on a site no one read for
# an hour), it would name the next instant instead, and the generation would never turn over.
NEXT_CHANGE_KEY = "summit:content-next-change"
# Cached values also expire by themselves, so a change made behind the site's back (raw SQL, a
# restored backup) shows within this many seconds even if nothing bumped the generation.
SAFETY_TIMEOUT = 60 * 60
# How long a worker that won the right to move the generation at a scheduled instant holds
# it; if that worker dies before moving it, another takes over after this.
TURNOVER_CLAIM_TIMEOUT = 30
# While one worker computes a shared value, the others wait for it this long at most, looking
# every COMPUTE_POLL_INTERVAL seconds (the slowest aggregate takes about 1.5 s at 100,000
# articles).
COMPUTE_LOCK_TIMEOUT = 10
COMPUTE_POLL_INTERVAL = 0.05

logger = logging.getLogger(__name__)
T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
NextChange = Callable[[], datetime | None]
_MISSING = object()
_next_change_providers: list[NextChange] = []
# The state as this request first read it; only set between request_started and
# request_finished, so commands, shells and tests outside a request always read afresh.
_this_request = Local()


@dataclass(frozen=True)
class ContentState:
    """The current generation and the next instant at which content changes by itself."""

    generation: int
    next_change: datetime | None


def _fresh_generation() -> int:
    # Random rather than incremented: each bump writes a value no reader can have used before,
    # so two bumps racing on a backend without atomic increments (the file cache) can never
    # leave a page rendered between them looking current, and a cache that was emptied never
    # hands out a number it used before.
    return secrets.randbits(63)


def register_next_change(provider: NextChange) -> None:
    """Have `provider()` say when content next changes with nothing saved (or None).

    Called once per generation, so it must be cheap (one indexed query). Apps register in
    their `AppConfig.ready()`; the earliest instant of all providers counts.
    """
    if provider not in _next_change_providers:
        _next_change_providers.append(provider)


def _next_change() -> datetime | None:
    instants = [at for provider in _next_change_providers if (at := provider()) is not None]
    return min(instants, default=None)


def _record_next_change(generation: int) -> datetime | None:
    # The generation was read before the providers run: a write that lands meanwhile moves
    # the generation, so this record is ignored rather than trusted.
    try:
        next_change = _next_change()
    except DatabaseError:
        # Stored pages can still be served while the database is down (and the health check
        # must still answer); the next request asks again.
        logger.warning("Could not read when content next changes", exc_info=True)
        return None
    cache.set(NEXT_CHANGE_KEY, (generation, next_change), timeout=None)
    return next_change


def content_state() -> ContentState:
    """The current generation and next change: one cache read per request in the common
    case, the first time it is asked for."""
    state = getattr(_this_request, "state", None)
    if state is None:
        state = _read_content_state()
        if getattr(_this_request, "open", False):
            _this_request.state = state
    return state


def _read_content_state() -> ContentState:
    values = cache.get_many([GENERATION_KEY, NEXT_CHANGE_KEY])
    generation = values.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
        if generation is None:  # evicted in between: a full cache
            generation = bump_content_generation()
    recorded = values.get(NEXT_CHANGE_KEY)
    if recorded is not None and recorded[0] == generation:
        next_change = recorded[1]
    else:
        next_change = _record_next_change(generation)
    if next_change is not None and timezone.now() >= next_change:
        # Many workers get here at once; the one that claims the instant moves the generation.
        # The others keep the old one for the moment the winner takes to write it.
        claim = f"summit:content-turnover:{generation}:{next_change.timestamp()}"
        if cache.add(claim, True, timeout=TURNOVER_CLAIM_TIMEOUT):
            generation = bump_content_generation()
            next_change = _record_next_change(generation)
    return ContentState(int(generation), next_change)


def content_generation() -> int:
    """The current generation (see `content_state()`)."""
    return content_state().generation


def bump_content_generation(**kwargs: object) -> int:
    """Make everything cached for readers stale; usable directly as a signal receiver."""
    generation = _fresh_generation()
    cache.set(GENERATION_KEY, generation, timeout=None)
    # What this request reads next must see its own write.
    _this_request.state = None
    return generation


def _request_started(**kwargs: object) -> None:
    _this_request.open = True
    _this_request.state = None


def _request_finished(**kwargs: object) -> None:
    _this_request.open = False
    _this_request.state = None


request_started.connect(_request_started, dispatch_uid="summit_cache_request_started")
request_finished.connect(_request_finished, dispatch_uid="summit_cache_request_finished")


def cached_for_content(
    name: str, compute: Callable[[], T], *, timeout: int | None = SAFETY_TIMEOUT
) -> T:
    """`compute()`'s result, shared until the content changes (or `timeout` seconds pass).

    `name` must say everything the result depends on besides the content and the page's
    language, e.g. "facets:country=kazakhstan&tag=energy". The language is part of every
    key: each language's pages list and count its own articles, and name things in its words.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"summit:content:{content_generation()}:{language}:{name}"
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    # After a write, every worker misses at once. One computes; the others wait for its result
    # rather than each running the same whole-collection aggregate (a stampede that would
    # stall them all). A waiter that outlives the lock computes for itself.
    lock = f"{key}:computing"
    if not cache.add(lock, True, timeout=COMPUTE_LOCK_TIMEOUT):
        deadline = time.monotonic() + COMPUTE_LOCK_TIMEOUT
        while time.monotonic() < deadline:
            time.sleep(COMPUTE_POLL_INTERVAL)
            value = cache.get(key, _MISSING)
            if value is not _MISSING:
                return value
            if cache.get(lock) is None:  # the computing worker failed or its lock expired
                break
    try:
        value = compute()
        cache.set(key, value, timeout)
    finally:
        cache.delete(lock)
    return value


def _bump_now_and_after_commit(using: str = DEFAULT_DB_ALIAS, **kwargs: object) -> None:
    # Now, for readers inside this transaction; and again once it commits, because a reader
    # elsewhere may have taken the new generation and rendered the old rows before the commit
    # made the change visible, and its page must not stay current.
    bump_content_generation()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(bump_content_generation, using=using, robust=True)


def _saved(sender, update_fields=None, **kwargs: object) -> None:
    # Signing in writes only `last_login`: nothing a reader sees.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _bump_now_and_after_commit(**kwargs)


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
            _bump_now_and_after_commit, sender=model, dispatch_uid=f"{uid}.delete", weak=False
        )
        m2m_changed.connect(
            _bump_now_and_after_commit, sender=model, dispatch_uid=f"{uid}.m2m", weak=False
        )


class KeptForContent(Generic[K, V]):
    """Rows read by key and kept in this process until the content generation moves.

    For the few rows that nearly every page names (authors' accounts, tags): each process
    reads a key once per generation, in one query for all that a request lacks
    (`read(missing)` answers what it found, by key). Any write moves the generation, so an
    edit shows on the next request in every process. The values are shared by the process's
    threads: read them, never change them. Past `limit` values, all are forgotten and read
    again as they are asked for.
    """

    everyone: ClassVar[list[KeptForContent]] = []

    def __init__(self, read: Callable[[list[K]], dict[K, V]], *, limit: int) -> None:
        self.read = read
        self.limit = limit
        self._kept: tuple[int, dict[K, V]] = (0, {})
        KeptForContent.everyone.append(self)

    def get_many(self, keys: Collection[K]) -> dict[K, V]:
        generation = content_generation()
        kept_generation, values = self._kept
        if kept_generation != generation or len(values) > self.limit:
            values = {}
            self._kept = (generation, values)
        missing = [key for key in keys if key not in values]
        if missing:
            values.update(self.read(missing))
        return {key: values[key] for key in keys if key in values}

    def forget(self) -> None:
        self._kept = (0, {})


def _forget_kept(**kwargs: object) -> None:
    # Tests that swap the cache or the database must not get another setup's rows.
    for kept in KeptForContent.everyone:
        kept.forget()


setting_changed.connect(_forget_kept, dispatch_uid="summit_forget_kept")
