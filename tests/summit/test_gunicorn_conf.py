"""The production server's settings file (`gunicorn.conf.py`), loaded as gunicorn loads it."""

from __future__ import annotations

import gc
import os
import runpy
from pathlib import Path

import pytest
from django.conf import settings

CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"


@pytest.fixture
def conf(monkeypatch) -> dict:
    for name in (
        "GUNICORN_WORKERS",
        "GUNICORN_THREADS",
        "GUNICORN_WORKER_CLASS",
        "GUNICORN_BIND",
        "PORT",
    ):
        monkeypatch.delenv(name, raising=False)
    return runpy.run_path(str(CONF))


def test_worker_start_freezes_what_is_loaded(conf):
    """After a worker starts, the objects it loaded (Django, the views the URLconf imports)
    are out of the collector's reach, so a full collection does not walk them all again."""
    assert gc.get_freeze_count() == 0
    try:
        conf["post_worker_init"](worker=None)
        frozen = gc.get_freeze_count()
        # A Django process holds tens of thousands of objects once its views are imported.
        assert frozen > 10_000
        # What requests allocate afterwards is still tracked and collected.
        tracked = [object() for _ in range(3)], {}
        assert gc.is_tracked(tracked)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_defaults_suit_a_small_machine(conf):
    # gthread, leaving new connections to idle workers (tests/summit/test_workers.py)
    assert conf["worker_class"] == "summit.workers.BalancedThreadWorker"
    # No more requests in flight than the cores can run, and a second thread for database waits.
    assert conf["threads"] == 2
    assert conf["workers"] == max(2, min(os.cpu_count(), 12))
    assert conf["bind"] == "127.0.0.1:8000"


def test_worker_count_on_one_core_and_on_a_large_host(monkeypatch):
    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    # Two workers even on one core, so that a worker restarting leaves one serving.
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 1)
    assert runpy.run_path(str(CONF))["workers"] == 2
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 64)
    assert runpy.run_path(str(CONF))["workers"] == 12
    monkeypatch.setenv("GUNICORN_WORKERS", "20")
    monkeypatch.setenv("GUNICORN_THREADS", "3")
    overridden = runpy.run_path(str(CONF))
    assert (overridden["workers"], overridden["threads"]) == (20, 3)


def test_worker_class_can_be_gunicorns_own(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKER_CLASS", "gthread")
    assert runpy.run_path(str(CONF))["worker_class"] == "gthread"
