"""Serve the demo publication from a throwaway database, for screenshots and Lighthouse.

Used as a context manager by tools/screenshots.py and tools/lighthouse.py; the project's own
database is never touched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# Runs a Python program (argv[2:]) with the clock moved to the ISO moment in argv[1] and ticking
# from there. Demo articles are dated relative to "now", so a pinned clock gives the same dates,
# the same archive and the same charts whatever day the demo is served.
AT_FIXED_TIME = """
import runpy, sys, time_machine
time_machine.travel(sys.argv[1], tick=True).start()
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the demo server at {url} did not start")


@contextlib.contextmanager
def demo_server(*, production: bool = False, now: datetime | None = None) -> Iterator[str]:
    """Yield the base URL of a server with the demo content loaded.

    `production=True` serves as production would: debug off (so error pages are the site's
    own), collected and hashed static files, gunicorn. `now` pins the clock of the demo loader
    and of the server to that moment (timezone-aware), for output that is the same every day.
    """
    with tempfile.TemporaryDirectory(prefix="summit-demo-") as workdir:
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir}/demo.sqlite3",
            "DJANGO_DEBUG": "0" if production else "1",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The developer's .env must not change what the demo looks like.
            "DJANGO_ENV_FILE": "",
            "DJANGO_MEDIA_ROOT": f"{workdir}/media",
        }

        def python(*args: str) -> list[str]:
            if now is None:
                return [PYTHON, *args]
            return [PYTHON, "-c", AT_FIXED_TIME, now.isoformat(), *args]

        def manage(*args: str) -> None:
            subprocess.run(python("manage.py", *args), cwd=ROOT, env=env, check=True)

        manage("migrate", "--noinput", "-v0")
        manage("load_demo")
        manage("load_demo_events")
        if production:
            manage("collectstatic", "--noinput", "-v0")
            # The production settings of gunicorn.conf.py, on this port only.
            env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
            command = python(
                str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "summit.wsgi"
            )
        else:
            command = python("manage.py", "runserver", f"127.0.0.1:{port}", "--noreload")
        # Quiet: gunicorn's access log (stdout) would bury the screenshot tools' own output.
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait_until_up(url)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)
