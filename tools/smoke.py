"""Production smoke run: start Summit from a clean clone exactly as the README says, then ask it
for every URL in the README's URL map and require the status the README promises.

    python3 tools/smoke.py                       # SQLite
    python3 tools/smoke.py --database-url postgres://postgres@127.0.0.1:5432/summit_smoke

`.ci/run` runs both. The test suite overrides production settings (plain static files, no
`.env`), so this is what shows a crash that only production mode has. Standard library only:
it runs before any virtual environment exists.

Steps: `git clone` the committed tree into a temporary folder (no `staticfiles/`, no `.env`,
no `.venv`); run each `manage.py` command the README names with `--help`; start
`DJANGO_DEBUG=0 DJANGO_SECRET_KEY=… DJANGO_ALLOWED_HOSTS=… make run` on a free loopback port;
fetch the URL map (placeholders filled from the site's own sitemaps and pages) and an unknown
path; run `check --deploy`; stop the server and everything it started.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 900  # seconds: a fresh venv installs every requirement first
STATUS_CODE = re.compile(r"\b([1-5]\d\d)\b")
PLACEHOLDER = re.compile(r"<([a-z]+)>")


@dataclass(frozen=True)
class Route:
    pattern: str  # as written in the README, e.g. /tags/<slug>/
    status: int


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects as they are: the README promises the first answer, not the last."""

    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"User-Agent": "summit-smoke"})
    try:
        with OPENER.open(request, timeout=30) as response:
            body = response.read().decode("utf-8", "replace")
            return response.status, body, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), dict(error.headers)


def readme_routes(readme: str) -> list[Route]:
    """Every URL of the README's URL map with the status in its "Answers" column."""
    section = readme.split("## URL map", 1)[1].split("\n## ", 1)[0]
    routes = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        status = STATUS_CODE.search(cells[1])
        if not status:
            raise SystemExit(f"README URL map row has no status in its Answers column: {line}")
        for pattern in re.findall(r"`([^`]+)`", cells[0]):
            routes.append(Route(pattern, int(status.group(1))))
    if not routes:
        raise SystemExit("README.md has no URL map rows to check")
    return routes


def readme_commands(readme: str) -> list[str]:
    """The management commands the README tells people to run with `manage.py`."""
    return sorted(set(re.findall(r"manage\.py ([a-z_]+)", readme)))


def first_loc(base: str, section: str, part: str = "") -> str:
    status, body, _ = fetch(f"{base}/sitemap-{section}.xml")
    if status != 200:
        raise SystemExit(f"/sitemap-{section}.xml answered {status}")
    for loc in re.findall(r"<loc>([^<]+)</loc>", body):
        if part in loc:
            return urllib.parse.urlsplit(loc).path
    raise SystemExit(f"/sitemap-{section}.xml lists no URL containing {part!r}")


def first_link(base: str, path: str, pattern: str) -> str:
    status, body, _ = fetch(base + path)
    found = re.search(pattern, body)
    if status != 200 or not found:
        raise SystemExit(f"{path} ({status}) has no link matching {pattern}")
    return urllib.parse.unquote(found.group(0))


def sample_paths(base: str) -> dict[str, str]:
    """One real path per placeholder, taken from the running demo site's sitemaps and pages."""
    samples = {
        prefix: first_loc(base, section, prefix)
        for prefix, section in (
            ("/articles/", "articles"),
            ("/tags/", "tags"),
            ("/countries/", "countries"),
            ("/areas/", "areas"),
            ("/events/", "events"),
        )
    }
    samples["/authors/"] = first_link(base, samples["/articles/"], r"/authors/[^/\"]+/")
    samples["/archive/"] = first_link(base, "/archive/", r"/archive/\d{4}/\d{2}/")
    return samples


def concrete_urls(pattern: str, samples: dict[str, str]) -> Iterator[str]:
    """Real paths for a README pattern such as `/tags/<slug>/feed/` or `/search/?q=…`."""
    path = pattern.replace("…", "")
    path = re.sub(r"=N\b", "=2", path)
    if path.startswith("/search/"):
        path = "/search/?q=Kazakhstan"
    if "<section>" in path:
        sections = ("sections", "articles", "news", "tags", "countries", "areas")
        for section in (*sections, "event-sections", "events"):
            yield path.replace("<section>", section)
        return
    facet_slugs = {
        "tag": samples["/tags/"].split("/")[2],
        "country": samples["/countries/"].split("/")[2],
        "area": samples["/areas/"].split("/")[2],
    }
    path = re.sub(r"(tag|country|area)=(&|$)", lambda m: f"{m[1]}={facet_slugs[m[1]]}{m[2]}", path)
    if "<" not in path:
        yield path
        return
    prefix = path.split("<", 1)[0]
    if prefix == "/archive/":
        month = samples["/archive/"]
        yield month if "<month>" in path else month[: len("/archive/2026/")]
    elif prefix in samples:
        placeholder_end = path.index(">") + 2  # the placeholder and its closing slash
        yield samples[prefix] + path[placeholder_end:]
    else:
        # Staff-only and signed paths: any id or token; the answer must not depend on it.
        yield PLACEHOLDER.sub(lambda m: "1" if m[1] == "id" else "not-a-valid-token", path)


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"`make run` exited with {server.returncode} before serving")
        try:
            if fetch(base + "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"the site did not answer /healthz within {START_TIMEOUT} s")


def stop(server: subprocess.Popen) -> None:
    """Stop `make run` and everything it started (gunicorn and its workers)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            continue


def fresh_postgres_database(url: str) -> None:
    """Drop and create the database named in `url`, as a new operator's `createdb` would."""
    parts = urllib.parse.urlsplit(url)
    connection = [
        "-h", parts.hostname or "127.0.0.1",
        "-p", str(parts.port or 5432),
        "-U", parts.username or "postgres",
    ]  # fmt: skip
    name = parts.path.lstrip("/")
    subprocess.run(["dropdb", *connection, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *connection, name], check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def check_pages(base: str, readme: str) -> list[str]:
    failures = []
    checked = 0
    samples = sample_paths(base)
    for route in readme_routes(readme):
        for path in concrete_urls(route.pattern, samples):
            status, body, headers = fetch(base + urllib.parse.quote(path, safe="/?=&%:"))
            checked += 1
            verdict = "ok" if status == route.status else f"FAIL (README says {route.status})"
            print(f"  {status} {path}  {verdict}")
            if status != route.status:
                failures.append(f"{path}: {status}, README promises {route.status}")
            if status >= 500 or "Traceback" in body:
                failures.append(f"{path}: server error page")
    status, body, _ = fetch(base + "/no-such-page-smoke/")
    print(f"  {status} /no-such-page-smoke/  (unknown path)")
    if status != 404 or "Summit" not in body or "DEBUG = True" in body:
        failures.append(f"unknown path: {status}, expected the site's own 404 page")
    # Hashed, compressed static files must be served by whitenoise in production.
    stylesheet = re.search(r'href="(/static/css/summit\.[0-9a-f]{12}\.css)"', fetch(base + "/")[1])
    if not stylesheet:
        failures.append("home page does not link a hashed stylesheet")
    else:
        status, _, headers = fetch(base + stylesheet.group(1))
        print(f"  {status} {stylesheet.group(1)}  (static file)")
        if status != 200 or "max-age=315360000" not in headers.get("Cache-Control", ""):
            failures.append(f"{stylesheet.group(1)}: {status}, not served as a hashed file")
    print(f"  {checked + 2} URLs fetched")
    return failures


def import_a_story(python: str, clone: Path, env: dict[str, str]) -> list[str]:
    """The README's import command, verbatim, on a story written for this run."""
    story = clone / "story.md"
    story.write_text(
        "# Smoke test: a rail timetable for the Middle Corridor\n\n"
        "Kazakhstan and Japan agreed a freight timetable for the trans-Caspian route.\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [python, "manage.py", "import_article", "story.md"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
    )
    print(f"  manage.py import_article story.md: exit {result.returncode}: {result.stdout.strip()}")
    if result.returncode or "created" not in result.stdout:
        return [f"manage.py import_article story.md: {(result.stdout + result.stderr)[-300:]}"]
    return []


def run(database_url: str | None) -> int:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="summit-smoke-") as workdir:
        clone = Path(workdir) / "summit"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        port = free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
        }
        # The README's production command, word for word in its variables.
        env |= {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PORT": str(port),
        }
        if database_url:
            env["DATABASE_URL"] = database_url
            if database_url.startswith("postgres"):
                fresh_postgres_database(database_url)
        base = f"http://127.0.0.1:{port}"
        print(f"== make run (DJANGO_DEBUG=0) from a clean clone, {database_url or 'SQLite'}")
        server_log = Path(workdir) / "make-run.log"
        with server_log.open("w") as log:
            server = subprocess.Popen(
                ["make", "run"],
                cwd=clone,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        failures: list[str] = []
        try:
            wait_until_up(base, server)
        except SystemExit as not_up:
            failures.append(str(not_up))
        try:
            if not failures:
                failures += check_pages(base, readme)
            python = str(clone / ".venv" / "bin" / "python")
            print("== manage.py check --deploy (behind HTTPS, as deployed)")
            deploy = subprocess.run(
                [python, "manage.py", "check", "--deploy"],
                cwd=clone,
                env={**env, "DJANGO_HTTPS": "1"},
            )
            if deploy.returncode:
                failures.append("check --deploy failed")
            print("== The README's manage.py commands, as written (development defaults)")
            dev_env = {k: v for k, v in env.items() if not k.startswith("DJANGO_")}
            for command in readme_commands(readme):
                result = subprocess.run(
                    [python, "manage.py", command, "--help"],
                    cwd=clone,
                    env=dev_env,
                    capture_output=True,
                    text=True,
                )
                print(f"  manage.py {command} --help: exit {result.returncode}")
                if result.returncode:
                    failures.append(f"manage.py {command}: {result.stderr.strip()[-300:]}")
            failures += import_a_story(python, clone, dev_env)
        finally:
            stop(server)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            failures.append(f"something still listens on port {port} after stopping")
        except OSError:
            pass
        if failures:
            print("== What `make run` printed (last part)")
            print(server_log.read_text(errors="replace")[-20000:])
    if failures:
        print("Production smoke FAILED:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("Production smoke passed")
    return 0


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # keep our lines in order with the children's
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="run on this database instead of SQLite")
    return run(parser.parse_args().database_url)


if __name__ == "__main__":
    sys.exit(main())
