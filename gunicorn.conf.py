"""Gunicorn settings for serving Summit in production: `gunicorn -c gunicorn.conf.py summit.wsgi`.

`make run` with debug off, tools/demo_server.py and `make bench` all start gunicorn with this
file, so what is measured is what is deployed. Every number can be changed from the
environment (README, Configuration); the defaults suit a small machine behind a reverse proxy.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Loopback unless told otherwise: a reverse proxy (nginx, a load balancer) terminates TLS and
# serves /media/ in front of us. A container sets GUNICORN_BIND=0.0.0.0:8000.
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{_env_int('PORT', 8000)}"

# One worker per core, two threads each. Rendering holds the GIL, so a worker runs Python on one
# core at a time; the second thread renders while the first waits on PostgreSQL. More requests
# in flight than that only share the same cores out in slices, and every one of them finishes
# later: on two cores, gunicorn's rule of thumb (2 x cores + 1 workers) with 4 threads each
# served random uncached articles with a p99 of 600-1,070 ms at 16 connections, 2 x 2 with
# 99-238 ms, at a higher rate (issue #12; README, Benchmark). With the database on another host
# a thread waits longer: raise GUNICORN_THREADS there. At least two workers, so that one still
# serves while the other restarts (after a timeout); at most twelve, so that a large host does
# not start dozens of processes of memory and connections without being told to.
workers = _env_int("GUNICORN_WORKERS", max(2, min(multiprocessing.cpu_count(), 12)))

# Each thread keeps its own database connection (CONN_MAX_AGE in settings), so PostgreSQL sees
# at most workers * threads connections: keep that under its max_connections (100 by default).
threads = _env_int("GUNICORN_THREADS", 2)
# Gunicorn's gthread worker, except that a worker with every thread busy leaves new connections
# to the others (summit/workers.py): gthread alone let one worker take most of the clients.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "summit.workers.BalancedThreadWorker"

# A request still running after `timeout` seconds is a bug or an overload; the worker is killed
# and restarted rather than letting requests queue behind it for ever.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On a restart or deploy (SIGTERM/SIGHUP), requests in flight get this long to finish.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Connections waiting to be accepted when every thread is busy; beyond this the kernel refuses.
backlog = _env_int("GUNICORN_BACKLOG", 2048)
# Seconds an idle keep-alive connection stays open: a proxy in front reuses its connections.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Off by default so a leak shows in memory figures instead of being hidden by restarts; set it
# (with jitter, so workers do not restart together) if a leak has to be lived with.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# Request lines to standard output and errors to standard error, for the service manager or
# container runtime to collect; the duration (%(M)s, milliseconds) helps find slow pages.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# The worker heartbeat file is touched constantly; a RAM-backed folder keeps a slow or
# container-overlay disk from making healthy workers look dead.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# Gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl), so two
# servers on one machine (a smoke run beside `make bench`) would fight over it; nothing uses it.
control_socket_disable = True


def post_worker_init(worker) -> None:
    """Leave the objects every request shares out of the garbage collector's full passes.

    A worker holds about 90,000 objects once Django and the URLconf are loaded; they live as
    long as the process, yet every full collection walked them all (up to 140 ms each under
    load, a pause for every request in flight): freezing them saved 6 to 10% of a worker's CPU
    (`make bench`; issue #12). `gc.freeze()` moves them to a generation the collector never
    scans; what requests allocate is still collected as before.
    """
    import gc
    from importlib import import_module

    from django.conf import settings

    import_module(settings.ROOT_URLCONF)  # imports every view, so they are frozen too
    gc.collect()
    gc.freeze()
