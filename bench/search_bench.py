"""Time typical searches on a large database, on PostgreSQL or on SQLite.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/summit_bench \\
        .venv/bin/python bench/search_bench.py [--articles 100000] [--repeat 50]
    .venv/bin/python bench/search_bench.py          # SQLite file in the temp directory

Migrates the database DATABASE_URL names and, when it holds fewer than --articles articles,
tops it up with `generate_content` (100,000 take a minute or two). Each query then runs
--repeat times after one warm-up, two ways: the whole search page through Django's test
client (parsing, count, ranking, a page of results, snippets, facet counts, template) and the
search alone (count and one page of ids). Prints median and p99 in milliseconds per query;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'summit-search-bench.sqlite3'}"
)

# (label, query string): what readers typically type, filters included.
QUERIES = [
    ("one word", {"q": "uranium"}),
    ("two words", {"q": "Kazakhstan hydropower"}),
    ("phrase", {"q": '"rail freight"'}),
    ("or", {"q": "solar or wind"}),
    ("exclusion", {"q": "gas pipelines -Russia"}),
    ("misspelt (suggestion)", {"q": "Kazakstan"}),
    ("word + country filter", {"q": "water", "country": "uzbekistan"}),
    ("word, page 5", {"q": "energy", "page": "5"}),
    ("no match", {"q": "zyxwvut"}),
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    action()  # warm caches and connections
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        runs.append((time.perf_counter() - started) * 1000)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    options = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from articles import search
    from articles.models import Article

    call_command("migrate", verbosity=0)
    missing = options.articles - Article.objects.count()
    if missing > 0:
        print(f"Generating {missing:,} articles…", flush=True)
        call_command("load_demo", verbosity=0)
        call_command("generate_content", articles=missing)

    published = Article.objects.published().count()
    print(
        f"\n{connection.vendor}: {Article.objects.count():,} articles ({published:,} published),"
        f" {options.repeat} runs per query after a warm-up\n"
    )
    client = Client(HTTP_HOST="localhost")
    header = f"{'query':<24} {'results':>8}  {'page median':>12} {'page p99':>9}"
    print(header + f"  {'search median':>14} {'search p99':>11}")
    print("-" * (len(header) + 27))
    for label, params in QUERIES:

        def page(params=params):
            response = client.get("/search/", params)
            assert response.status_code == 200, (params, response.status_code)
            return response

        def search_only(params=params):
            articles = Article.objects.published()
            if "country" in params:
                articles = articles.filter(countries__slug=params["country"])
            results = search.search(articles, params["q"])
            return results.count(), list(results[:12])

        count = search_only()[0]
        page_runs = timed(page, options.repeat)
        search_runs = timed(search_only, options.repeat)
        print(
            f"{label:<24} {count:>8,}  {statistics.median(page_runs):>9.1f} ms"
            f" {percentile(page_runs, 0.99):>6.1f} ms"
            f"  {statistics.median(search_runs):>11.1f} ms {percentile(search_runs, 0.99):>8.1f} ms"
        )


if __name__ == "__main__":
    main()
