"""Load-test Summit as it is deployed: PostgreSQL, N articles, gunicorn with gunicorn.conf.py.

    make bench                                   # 100,000 articles, 10 s per run
    make bench ARTICLES=20000 BENCH_SECONDS=30
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/summit_bench

Steps:
1. Builds the PostgreSQL database (`summit_bench` by default) with N articles through
   `generate_content`, or reuses it when it already holds N (it tops up a smaller one and
   rebuilds a larger one). The database is left for the next run; `make bench-clean` drops it.
2. Times each page in-process (Django's test client, median of a few) and counts its
   queries, while nothing else of ours runs, two ways: not in the page cache while the
   shared aggregates are (a reader's first visit between two writes), and as the first
   request after a write (the generation moved, so the aggregates are recomputed too).
3. Starts the production server (`gunicorn -c gunicorn.conf.py summit.wsgi`, debug off,
   collected static files) on a free loopback port, warms every page, and drives `wrk` at 16
   and 64 connections against each page: req/s, p50/p99 latency, errors (answers other than
   2xx/3xx, and socket errors) and the ratio to the static file's req/s in the same run.
4. Stops the server and its workers (their whole process group).

REDIS_URL, when set, is used by the server and the in-process timings alike. Only 127.0.0.1
is contacted. It prints figures and asserts nothing: the goals are in README ("Benchmark").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"
CONNECTIONS = (16, 64)
IN_PROCESS_RUNS = 5
# Articles each load of the "random articles" row picks from, a share of its own for each
# number of connections: pages the first load left in the cache are not the second's.
SAMPLE_ARTICLES = 5000
# Other articles, read before anything is measured so that every worker thread has opened
# its connection and filled its process's caches: memory is measured from there.
WARM_UP_ARTICLES = 2000
WARM_UP_SECONDS = 20
# What readers type: topics and places of the generated corpus, alone and combined, plus a
# misspelling (which runs the suggestion path) and a phrase.
SEARCH_WORDS = [
    "uranium", "hydropower", "rail freight", "solar", "wind power", "water quotas", "irrigation",
    "gas pipelines", "glacier monitoring", "customs reform", "digital payments", "copper",
    "tourism visas", "student exchanges", "seismic codes", "green hydrogen", "rare earths",
    "logistics hubs", "satellite data", "vocational training", "fibre-optic cables",
]  # fmt: skip
SEARCH_PLACES = ["Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Tokyo"]


@dataclass(frozen=True)
class Target:
    """One row of the table: a fixed path, or many paths picked at random per request.

    A `shared_out` target gives each load (16, 64 connections) its own share of the paths,
    so that the pages one load left in the cache are not what the next one asks for.
    """

    name: str
    paths: tuple[str, ...]
    shared_out: bool = False

    @property
    def is_random(self) -> bool:
        return len(self.paths) > 1

    def paths_for(self, load: int) -> tuple[str, ...]:
        """The paths the run at the `load`-th number of connections picks from."""
        return self.paths[load :: len(CONNECTIONS)] if self.shared_out else self.paths


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


# -- Database -------------------------------------------------------------------------------


def pg_arguments(url: str) -> tuple[list[str], str]:
    """psql/createdb connection arguments and the database name of a postgres:// URL."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"the benchmark needs a PostgreSQL URL, not {url}")
    connection = [
        "-h", parts.hostname or "127.0.0.1",
        "-p", str(parts.port or 5432),
        "-U", parts.username or "postgres",
    ]  # fmt: skip
    return connection, parts.path.lstrip("/")


def stored_article_count(url: str) -> int | None:
    """Articles in the database, or None when the database (or its table) does not exist."""
    connection, name = pg_arguments(url)
    result = subprocess.run(
        ["psql", *connection, "-d", name, "-Atqc", "SELECT count(*) FROM articles_article"],
        capture_output=True,
        text=True,
    )
    return int(result.stdout) if result.returncode == 0 else None


def drop_database(url: str) -> None:
    connection, name = pg_arguments(url)
    subprocess.run(["dropdb", *connection, "--if-exists", "--force", name], check=True)
    print(f"Dropped the benchmark database {name}.")


def prepare_database(url: str, articles: int) -> None:
    connection, name = pg_arguments(url)
    count = stored_article_count(url)
    if count is not None and count > articles:
        print(f"{name} holds {count:,} articles, more than {articles:,}: rebuilding it.")
        drop_database(url)
        count = None
    if count is None:
        exists = subprocess.run(
            ["psql", *connection, "-d", name, "-Atqc", "SELECT 1"], capture_output=True
        )
        if exists.returncode:
            subprocess.run(["createdb", *connection, name], check=True)
    manage("migrate", "--noinput", "-v0")
    count = stored_article_count(url) or 0
    if count < articles:
        print(f"Generating {articles - count:,} articles into {name} (this takes minutes)…")
        started = time.monotonic()
        manage("generate_content", "--articles", str(articles - count))
        print(f"Generated in {time.monotonic() - started:.0f} s.")
    else:
        print(f"Reusing {name}: it already holds {count:,} articles.")
    # What autovacuum does on a production server (some test servers run without it): a
    # migration or a recount that rewrote a table must not leave its dead rows to be read.
    subprocess.run(["psql", *connection, "-d", name, "-qc", "VACUUM ANALYZE"], check=True)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


# -- What to request --------------------------------------------------------------------------


def quoted(path: str) -> str:
    return urllib.parse.quote(path, safe="/?=&%")


def choose_targets(static_path: str) -> tuple[list[Target], Target]:
    """Real paths from the database: slugs, tags in use, a deep page that exists, a facet;
    and, apart, articles outside the sample for warming the workers up."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article, Tag
    from articles.sitemaps import ArticleSitemap
    from countries.models import CooperationArea, Country

    published = Article.objects.published()
    sample = list(
        published.in_language("en")
        .order_by("?")
        .values_list("slug", flat=True)[: SAMPLE_ARTICLES * len(CONNECTIONS) + WARM_UP_ARTICLES]
    )
    measured_count = SAMPLE_ARTICLES * len(CONNECTIONS)
    slugs, warm_up_slugs = sample[:measured_count], sample[measured_count:]
    tag_slugs = list(Tag.objects.public().values_list("slug", flat=True))
    country = Country.objects.order_by("pk").values_list("slug", flat=True).first()
    area = CooperationArea.objects.order_by("pk").values_list("slug", flat=True).first()
    # Over a thousand distinct searches, so that most miss the cache as readers' searches do:
    # two words (or a word and a place), alone or narrowed to a country, and single words on
    # their first three pages (two words may have no second page, which is a 404).
    rng = random.Random(12)
    pairs = [
        f"{word} {other}"
        for word in SEARCH_WORDS
        for other in SEARCH_WORDS + SEARCH_PLACES
        if other != word
    ]
    countries = list(Country.objects.values_list("slug", flat=True))
    queries: list[dict[str, str]] = [{"q": pair} for pair in pairs]
    queries += [{"q": pair, "country": rng.choice(countries)} for pair in rng.sample(pairs, 500)]
    queries += [{"q": word, "page": str(page)} for word in SEARCH_WORDS for page in (2, 3)]
    queries += [{"q": word} for word in [*SEARCH_WORDS, "Kazakstan", '"rail freight"']]
    searches = [f"/search/?{urllib.parse.urlencode(query)}" for query in queries]

    list_url = reverse("articles:list")
    last_page = max(1, -(-published.count() // settings.ARTICLES_PER_PAGE))
    sitemap_pages = max(1, -(-published.in_language("en").count() // ArticleSitemap.limit))
    deep_page = deepest_page_answering(Client(), list_url, last_page)
    measured = [
        Target("static file", (static_path,)),
        Target("home", ("/",)),
        Target("list, page 1", (list_url,)),
        Target(
            f"list, page {deep_page:,} ({'last' if deep_page == last_page else 'deepest served'})",
            (f"{list_url}?page={deep_page}",),
        ),
        Target("one article", (reverse("articles:detail", kwargs={"slug": slugs[0]}),)),
        Target(
            f"random articles ({SAMPLE_ARTICLES:,} per load)",
            tuple(quoted(reverse("articles:detail", kwargs={"slug": s})) for s in slugs),
            shared_out=True,
        ),
        Target(
            f"random tags ({len(tag_slugs):,})",
            tuple(quoted(reverse("articles:tag", kwargs={"slug": s})) for s in tag_slugs),
        ),
        Target("list, country + area", (f"{list_url}?country={country}&area={area}",)),
        Target(f"random searches ({len(searches):,})", tuple(searches)),
        Target("feed", (reverse("articles:feed"),)),
        Target("country page", (reverse("countries:detail", kwargs={"slug": country}),)),
        Target("sitemap index", (reverse("sitemap"),)),
        Target(
            f"articles' sitemap, page {sitemap_pages} (last)",
            (reverse("sitemap_section", args=["articles"]) + f"?p={sitemap_pages}",),
        ),
    ]
    return measured, Target(
        "warm-up articles",
        tuple(quoted(reverse("articles:detail", kwargs={"slug": s})) for s in warm_up_slugs),
    )


def deepest_page_answering(client, list_url: str, last_page: int) -> int:
    """The last list page, or the deepest the site serves if it caps how deep one may go."""
    import logging

    # The probe expects 404s beyond a cap; they are not worth a warning line each.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    def answers(page: int) -> bool:
        return client.get(f"{list_url}?page={page}").status_code == 200

    if answers(last_page):
        return last_page
    served, refused = 1, last_page  # binary search for the cap
    while refused - served > 1:
        middle = (served + refused) // 2
        served, refused = (middle, refused) if answers(middle) else (served, middle)
    return served


def hashed_stylesheet() -> str:
    from django.templatetags.static import static

    return static("css/summit.css")


# -- In-process timings -------------------------------------------------------------------------


def forget_cached_content() -> None:
    """Make every cached page and aggregate stale, as a write would.

    The content generation is bumped rather than the cache flushed: with REDIS_URL the cache
    may be shared with others, and a flush would empty it for them too.
    """
    try:
        from summit.cache import bump_content_generation
    except ImportError:
        from django.core.cache import cache

        cache.clear()
    else:
        bump_content_generation()


def in_process_timings(targets: list[Target]) -> dict[str, tuple[float, float, int]]:
    """Per page, through the test client: the median time (ms) to render it when it is not
    in the page cache but the shared aggregates are (what a reader's first visit costs
    between two writes), the median time of the first request after a write (aggregates
    recomputed too), and the most queries either made."""
    from django.conf import settings
    from django.test import Client, override_settings

    without_page_cache = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    results: dict[str, tuple[float, float, int]] = {}
    for target in targets:
        paths = [urllib.parse.unquote(path) for path in target.paths]
        random.Random(3).shuffle(paths)
        after_write, queries = _timed(Client(), paths, forget_cached_content)
        with override_settings(MIDDLEWARE=without_page_cache):
            client = Client()  # loads the middleware it is given on its first request
            for path in paths[: IN_PROCESS_RUNS + 1]:  # warm the aggregates these pages read
                _get(client, path)
            page_miss, more_queries = _timed(client, paths, lambda: None)
        results[target.name] = (
            statistics.median(page_miss),
            statistics.median(after_write),
            max(queries + more_queries),
        )
    return results


def editor_timings() -> dict[str, tuple[float, int]]:
    """The editors' busiest admin pages at this size, signed in as a superuser made for the
    run (and deleted after): the dashboard (whose coverage gaps read the last 90 days) and an
    article's change form (whose review panel runs the pre-publish checklist, link checks
    included). Median ms and queries; never cached, staff always get fresh pages."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article

    user = get_user_model().objects.create_superuser(
        f"bench-{secrets.token_hex(4)}", password=secrets.token_urlsafe(16)
    )
    try:
        client = Client()
        client.force_login(user)
        article = Article.objects.published().order_by("-publish_at").first()
        pages = {
            "admin dashboard": reverse("admin:index"),
            "article change form": reverse("admin:articles_article_change", args=[article.pk]),
            "admin article list": reverse("admin:articles_article_changelist"),
        }
        results = {}
        for name, path in pages.items():
            times, queries = _timed(client, [path], lambda: None)
            results[name] = (statistics.median(times), max(queries))
        return results
    finally:
        user.delete()


def _get(client, path: str):
    response = client.get(path)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response


def _timed(client, paths: list[str], before_each) -> tuple[list[float], list[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: list[float] = []
    queries: list[int] = []
    for run in range(IN_PROCESS_RUNS + 1):
        path = paths[run % len(paths)]
        before_each()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = _get(client, path)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code >= 400:
            print(f"  warning: {path} answered {response.status_code} in-process")
        if run:  # the first run warms connections and template caches
            times.append(elapsed)
            queries.append(len(captured))
    return times, queries


# -- The server and wrk -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def production_server(env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """The README's production server on a free port; stopped with its workers at the end."""
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "summit.wsgi"],
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the workers stop with it
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited with {server.returncode}; see {log}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {log}")
            time.sleep(0.5)
        yield base, server.pid
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(server.pid, sig)
            except ProcessLookupError:
                break
            try:
                server.wait(timeout=35)  # gunicorn's graceful timeout is 30 s
                break
            except subprocess.TimeoutExpired:
                continue


def group_memory_mb(leader: int) -> tuple[float, int]:
    """Resident memory of the server's workers (not the arbiter) in MB, and their number."""
    total_kb, workers = 0, 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            pid = int(status.parent.name)
            if pid == leader or os.getpgid(pid) != leader:
                continue
        except (OSError, ValueError):
            continue
        found = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
        if found:
            total_kb += int(found.group(1))
            workers += 1
    return total_kb / 1024, workers


def group_cpu_ticks(leader: int) -> int:
    """CPU time (clock ticks) used so far by the server's processes."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if os.getpgid(int(stat.parent.name)) == leader:
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return ticks


def wait_until_idle(leader: int, timeout: float = 45) -> None:
    """Wait for requests a finished wrk run left in flight (slow pages go on rendering after
    wrk stops), so they do not slow down the next row."""
    deadline = time.monotonic() + timeout
    before = group_cpu_ticks(leader)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = group_cpu_ticks(leader)
        if now - before <= 2:  # at most 2 ticks (20 ms) of CPU in half a second: idle
            return
        before = now


def run_wrk(
    base: str, target: Target, connections: int, seconds: int, paths_file: Path | None
) -> WrkResult:
    command = [
        "wrk", f"-t{min(connections, os.cpu_count() or 1)}", f"-c{connections}", f"-d{seconds}s",
        # Longer than gunicorn's worker timeout, so a slow page is measured, not cut off.
        "--timeout", "40s", "-s", str(WRK_SCRIPT),
    ]  # fmt: skip
    if target.is_random:
        command += [base + "/", "--", str(paths_file)]
    else:
        command.append(base + target.paths[0])
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("SUMMIT_RESULT "))
    data = json.loads(line.removeprefix("SUMMIT_RESULT "))
    errors = sum(data[key] for key in ("connect", "read", "write", "status", "timeout"))
    return WrkResult(
        requests_per_second=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
    )


def warm_up(base: str, targets: list[Target], articles: Target, articles_file: Path) -> None:
    """Every page once, then a short wrk run over each fixed one, then `WARM_UP_SECONDS` of
    articles outside the sample, so every worker thread has its connection and every
    process its caches before memory is first measured.

    Random targets get one request only: warming them would put them in the cache, and they
    are there to measure pages that are not.
    """
    for target in targets:
        for path in target.paths[:1]:
            try:
                urllib.request.urlopen(base + path, timeout=60).read()
            except urllib.error.HTTPError as error:
                print(f"  warning: {path} answered {error.code}")
        if not target.is_random:
            run_wrk(base, target, 16, 2, None)
    articles_file.write_text("\n".join(articles.paths) + "\n")
    run_wrk(base, articles, 16, WARM_UP_SECONDS, articles_file)


# -- Report -----------------------------------------------------------------------------------


def print_tables(
    loads: dict[int, dict[str, WrkResult]],
    timings: dict[str, tuple[float, float, int]],
    targets: list[Target],
) -> None:
    header = "| Page |"
    rule = "| --- |"
    for connections in loads:
        header += f" req/s ({connections}) | p50 / p99 ms ({connections}) | errors | vs static |"
        rule += " ---: | ---: | ---: | ---: |"
    header += " not cached, in-process ms | first after a write ms | queries |"
    rule += " ---: | ---: | ---: |"
    print(header)
    print(rule)
    for target in targets:
        row = f"| {target.name} |"
        for results in loads.values():
            result = results[target.name]
            static = results[targets[0].name].requests_per_second
            row += (
                f" {result.requests_per_second:,.0f} | {result.p50_ms:,.1f} / {result.p99_ms:,.0f}"
                f" | {result.errors} | {result.requests_per_second / static:.2f} |"
            )
        page_miss, after_write, queries = timings[target.name]
        row += f" {page_miss:,.1f} | {after_write:,.1f} | {queries} |"
        print(row)


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/summit_bench")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--drop", action="store_true", help="drop the database and stop")
    options = parser.parse_args()

    if options.drop:
        drop_database(options.database_url)
        return 0
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    # Stopped from outside (SIGTERM), still stop the server: SystemExit runs the clean-ups.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="summit-bench-") as workdir:
        benchmark(options, Path(workdir))
    print("Server stopped. The database is kept for the next run; `make bench-clean` drops it.")
    return 0


def benchmark(options: argparse.Namespace, workdir: Path) -> None:
    # The server and this process read the same settings: production, no developer .env, and
    # (without REDIS_URL) a cache folder of their own that starts empty, never the one a
    # `make run` on another database shares.
    os.environ |= {
        "DATABASE_URL": options.database_url,
        "DJANGO_ENV_FILE": "",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        # testserver: the in-process test client's host name.
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SETTINGS_MODULE": "summit.settings",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_CACHE_DIR": str(workdir / "cache"),
        # Thousands of searches from 127.0.0.1 would be refused by the per-address rate limits.
        "DJANGO_RATE_LIMITS": "0",
    }
    prepare_database(options.database_url, options.articles)
    manage("collectstatic", "--noinput", "-v0")

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from articles.models import Article

    total = Article.objects.count()
    published = Article.objects.published().count()
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print()
    print(
        f"Summit benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {total:,} articles "
        f"({published:,} published) on PostgreSQL {connection.pg_version // 10000}; "
        f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}; "
        f"cache {cache_backend}; {options.seconds} s per wrk run"
    )
    targets, warm_up_articles = choose_targets(hashed_stylesheet())
    print(f"Timing each page in-process (not cached, median of {IN_PROCESS_RUNS})…")
    timings = in_process_timings(targets)
    print("Timing the editors' pages in-process…")
    editors = editor_timings()
    connection.close()

    paths_files: dict[tuple[str, int], Path] = {}
    for target in targets:
        if target.is_random:
            for load, connections in enumerate(CONNECTIONS):
                paths_files[target.name, connections] = workdir / f"paths-{len(paths_files)}.txt"
                paths = target.paths_for(load)
                paths_files[target.name, connections].write_text("\n".join(paths) + "\n")
    with production_server(dict(os.environ), workdir / "gunicorn.log") as (base, leader):
        print(f"Server up at {base}; warming up…")
        warm_up(base, targets, warm_up_articles, workdir / "paths-warm-up.txt")
        memory_before, workers = group_memory_mb(leader)
        loads: dict[int, dict[str, WrkResult]] = {}
        for connections in CONNECTIONS:
            loads[connections] = {}
            for target in targets:
                wait_until_idle(leader)
                paths_file = paths_files.get((target.name, connections))
                result = run_wrk(base, target, connections, options.seconds, paths_file)
                loads[connections][target.name] = result
                print(
                    f"  {connections:>2} connections  {target.name:<32} "
                    f"{result.requests_per_second:>8,.0f} req/s  "
                    f"p99 {result.p99_ms:>8,.1f} ms  errors {result.errors}"
                )
        memory_after, _ = group_memory_mb(leader)
    print()
    print_tables(loads, timings, targets)
    print()
    print("| Editors' page (signed in, never cached) | in-process ms | queries |")
    print("| --- | ---: | ---: |")
    for name, (milliseconds, queries) in editors.items():
        print(f"| {name} | {milliseconds:,.1f} | {queries} |")
    print()
    print(
        f"{workers} gunicorn workers: {memory_before:,.0f} MB resident after warm-up, "
        f"{memory_after:,.0f} MB after the runs ({memory_after / memory_before - 1:+.0%})."
    )


if __name__ == "__main__":
    sys.exit(main())
