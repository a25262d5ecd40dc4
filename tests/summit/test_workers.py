"""The gunicorn worker class (`summit/workers.py`), run by gunicorn itself: two workers of two
threads each, serving `pid_app` (which answers with its worker's process id)."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import pytest
from django.conf import settings

WORKERS = 2
THREADS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    # Run from an empty folder with an empty settings file: only the options below apply.
    (tmp_path / "empty.conf.py").write_text("")
    options = {
        "--config": "empty.conf.py",
        "--pythonpath": str(settings.BASE_DIR),
        "--bind": f"127.0.0.1:{port}",
        "--worker-class": "summit.workers.BalancedThreadWorker",
        "--workers": str(WORKERS),
        "--threads": str(THREADS),
        "--keep-alive": "30",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *chain(*options.items()), "tests.summit.pid_app:app"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "gunicorn exited"
            try:
                if served_by(connected(port)):
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        # Both workers have started once two requests at once are served by two processes.
        while len({*fetch_together(port, 2, milliseconds=200)}) < WORKERS:
            assert time.monotonic() < deadline, "the second worker did not start"
        yield port
    finally:
        process.terminate()
        process.wait(timeout=40)


def connected(port: int) -> http.client.HTTPConnection:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.connect()
    return connection


def served_by(connection: http.client.HTTPConnection, milliseconds: int = 0) -> int:
    connection.request("GET", f"/?ms={milliseconds}")
    response = connection.getresponse()
    assert response.status == 200
    return int(response.read())


def fetch_together(port: int, count: int, milliseconds: int) -> list[int]:
    """`count` connections opened at once, then a slow request on each: who served each."""
    connections = [connected(port) for _ in range(count)]
    pids: list[int] = [0] * count

    def fetch(index: int) -> None:
        pids[index] = served_by(connections[index], milliseconds)

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for connection in connections:
        connection.close()
    return pids


def test_connections_opened_at_once_are_spread_over_the_workers(server):
    """Four clients connecting together get two workers with two each: a worker whose threads
    are all busy leaves the next connection to one that is idle (plain gthread let the first
    worker to wake take three or all four, and serve them on one core)."""
    for _ in range(3):
        # Closing a connection is work for its worker's threads too: let the last round's go.
        time.sleep(0.2)
        pids = fetch_together(server, WORKERS * THREADS, milliseconds=300)
        assert sorted(Counter(pids).values()) == [THREADS] * WORKERS


def test_a_kept_alive_connection_stays_with_its_worker(server):
    connection = connected(server)
    first = served_by(connection)
    assert [served_by(connection) for _ in range(5)] == [first] * 5
    connection.close()


def test_a_client_beyond_every_thread_is_still_served(server):
    """While four clients keep every thread of both workers busy, a fifth is answered: a busy
    worker takes a connection nobody idle took, after a short pause."""
    stop = threading.Event()

    def keep_busy() -> None:
        connection = connected(server)
        while not stop.is_set():
            served_by(connection, milliseconds=100)
        connection.close()

    busy = [threading.Thread(target=keep_busy) for _ in range(WORKERS * THREADS)]
    for thread in busy:
        thread.start()
    try:
        time.sleep(0.5)
        late = connected(server)
        late.sock.settimeout(3)  # a few of the busy clients' requests, not seconds
        assert served_by(late) > 0
        late.close()
    finally:
        stop.set()
        for thread in busy:
            thread.join()
