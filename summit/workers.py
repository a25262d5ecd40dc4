"""The gunicorn worker class of `gunicorn.conf.py`: gthread, leaving new connections to idle
workers while its own threads are busy.

Gunicorn's gthread worker accepts every connection it is offered while it has fewer than
`worker_connections` (1,000) open, busy threads or not. Each worker process runs Python on one
core at a time, so the worker that happens to be awake when clients connect takes them all and
serves them in turn while the others sit idle: 16 keep-alive connections were seen spread 8, 5,
2, 1 and 0 over five workers, and the connections on the crowded worker waited for its threads
and its one core (issue #12; gunicorn issues #908 and #3433). A cached page then ran at a
third of its usual rate, on one core, for as long as the clients kept their connections.

Here a worker stops listening while all its threads are busy, so a new connection goes to a
worker that can serve it now: the same 16 connections were spread 4, 3, 3, 3, 3. When every
worker is busy (more clients than threads), each still takes a waiting connection every
`BUSY_ACCEPT_PAUSE`, so no client waits for a worker to fall idle. Connections a worker holds
are served as before, kept alive or not.
"""

from __future__ import annotations

import time

from gunicorn.workers.gthread import ThreadWorker

# Seconds a busy worker leaves a new connection to the idle ones before taking it itself.
# Without this, clients beyond workers x threads waited for seconds (a worker whose clients
# keep it busy is rarely idle at the moment it polls).
BUSY_ACCEPT_PAUSE = 0.01


class BalancedThreadWorker(ThreadWorker):
    """gthread worker that leaves new connections to idle workers while its threads are busy."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Requests handed to the thread pool and not finished yet. Only the worker's main
        # thread (the event loop) changes it: `enqueue_req` and `finish_request` both run there.
        self.in_flight = 0
        # While set (a monotonic time), the worker is not listening: a connection arrived
        # while it was busy, and the idle workers have until then to take it.
        self.paused_until = 0.0

    def has_idle_thread(self) -> bool:
        return self.in_flight < self.cfg.threads

    def enqueue_req(self, conn) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)

    def accept(self, listener) -> None:
        if self.has_idle_thread():
            super().accept(listener)
            return
        self.paused_until = time.monotonic() + BUSY_ACCEPT_PAUSE
        super().set_accept_enabled(False)

    def set_accept_enabled(self, enabled: bool) -> None:
        # The event loop turns listening on whenever the worker is under worker_connections.
        super().set_accept_enabled(enabled and not self.paused_until)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if self.paused_until:
            remaining = self.paused_until - time.monotonic()
            if remaining > 0:
                timeout = min(timeout, remaining)
            else:
                self.paused_until = 0.0
                if self.alive and self.nr_conns < self.worker_connections:
                    # Still waiting after the pause, the connection found no idle worker: take
                    # it (the listener is non-blocking: nothing waiting is not an error).
                    for listener in self.sockets:
                        super().accept(listener)
                    self.set_accept_enabled(self.nr_conns < self.worker_connections)
        super().wait_for_and_dispatch_events(timeout)
