"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

When Chromium is not installed the whole folder is skipped with a message saying so;
`.ci/run` installs it, so CI always runs these tests.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.demo_snapshot import DemoSnapshot

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FOUND = Path(CHROMIUM).exists()
SKIP_REASON = (
    f"Chromium not found at {CHROMIUM}: browser tests skipped "
    "(install it with `apt-get install chromium`, as .ci/run does)"
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make to
# set up data are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Collects Content-Security-Policy violations, which Chromium reports as DOM events.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


def pytest_collection_modifyitems(config, items):
    if CHROMIUM_FOUND:
        return
    browser_dir = Path(__file__).parent
    for item in items:
        # Tests of this folder's fixtures that open no browser run without Chromium.
        uses_browser = "browser" in getattr(item, "fixturenames", ())
        if browser_dir in Path(item.fspath).parents and uses_browser:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_report_header(config):
    if not CHROMIUM_FOUND:
        return [SKIP_REASON]
    return [f"browser tests: Chromium at {CHROMIUM}"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


def load_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture(scope="session")
def demo_snapshot(
    django_db_setup, django_db_blocker, cache_for_tests, tmp_path_factory
) -> Iterator[DemoSnapshot]:
    """`load_demo` run once per session; each test that needs the demo gets a copy of its
    rows (see demo_snapshot.py), seconds faster than loading it again."""
    with django_db_blocker.unblock():
        snapshot = DemoSnapshot.take(tmp_path_factory.mktemp("demo"), load=load_demo)
    yield snapshot
    with django_db_blocker.unblock():
        snapshot.drop()


@pytest.fixture
def site(transactional_db, demo_snapshot: DemoSnapshot) -> None:
    """The demo publication, as `load_demo` writes it, in the database the live server reads."""
    demo_snapshot.restore()


class PageProblems:
    """Console errors, uncaught exceptions and CSP violations seen while a test browses."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.expected_error_pages = set()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.add_init_script(CSP_LISTENER)

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        # Chromium logs every 4xx document as a console error; a test that asks for an
        # error page on purpose has already checked its status.
        if (
            message.text.startswith("Failed to load resource")
            and message.location.get("url") in self.expected_error_pages
        ):
            return
        self.errors.append(f"console error on {self.page.url}: {message.text}")

    def check(self) -> None:
        violations = self.page.evaluate("window.__cspViolations || []")
        problems = self.errors + [f"CSP violation on {self.page.url}: {v}" for v in violations]
        assert problems == [], problems


@pytest.fixture
def watched_page(page):
    """A page that fails the test on any console error or CSP violation after each visit."""
    problems = PageProblems(page)
    page.problems = problems
    yield page
    problems.check()


def visit(page, url: str, *, status: int = 200):
    """Open `url`, check the HTTP status, and fail on any CSP violation the page caused."""
    if status >= 400 and hasattr(page, "problems"):
        page.problems.expected_error_pages.add(url)
    response = page.goto(url)
    assert response is not None and response.status == status, (url, response and response.status)
    violations = page.evaluate("window.__cspViolations || []")
    assert violations == [], (url, violations)
    return response
