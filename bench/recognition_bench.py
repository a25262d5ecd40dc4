"""Time country and area recognition on one long article and on a thousand ordinary ones.

    .venv/bin/python bench/recognition_bench.py [--words 10000] [--articles 1000] [--repeat 5]

Runs against a fresh in-memory SQLite database, migrated so it holds the built-in countries
and areas (unless DATABASE_URL says otherwise). The texts are the demo articles, repeated
and shuffled by paragraph, so the figures reflect real prose and real aliases. Prints the
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")


def paragraphs() -> list[str]:
    found = []
    for path in sorted((ROOT / "articles" / "demo").glob("*.md")):
        body = path.read_text(encoding="utf-8").partition("\n---\n")[2]
        found += [p.strip() for p in body.split("\n\n") if len(p.split()) > 20]
    return found


def article_of(words: int, source: list[str], rng: random.Random) -> str:
    chosen, count = [], 0
    while count < words:
        paragraph = rng.choice(source)
        chosen.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(chosen)


def best_of(repeat: int, action: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    from countries.models import CooperationArea, Country
    from countries.recognition import _cache, recognise, taxonomy_matcher

    rng = random.Random(2024)
    source = paragraphs()
    long_text = article_of(options.words, source, rng)
    corpus = [article_of(rng.randint(400, 1200), source, rng) for _ in range(options.articles)]
    corpus_words = sum(len(text.split()) for text in corpus)

    phrases = sum(len(c.alias_list) + 1 for c in Country.objects.all()) + sum(
        len(a.keyword_list) for a in CooperationArea.objects.all()
    )
    print(
        f"Taxonomy: {Country.objects.count()} countries, {CooperationArea.objects.count()} "
        f"areas, {phrases} phrases"
    )

    def cold() -> object:
        _cache.clear()
        return taxonomy_matcher()

    build, _ = best_of(options.repeat, cold)
    cached, matcher = best_of(options.repeat, taxonomy_matcher)
    print(f"Build the matcher (cold):             {build * 1000:8.2f} ms")
    print(f"Get the cached matcher (2 queries):   {cached * 1000:8.2f} ms")

    seconds, found = best_of(options.repeat, lambda: recognise(long_text, matcher))
    words = len(long_text.split())
    mentions = sum(m.count for m in [*found.countries, *found.areas])
    print(
        f"One article of {words:,} words:          {seconds * 1000:8.2f} ms "
        f"({words / seconds:,.0f} words/s; {len(found.countries)} countries, "
        f"{len(found.areas)} areas, {mentions:,} mentions)"
    )

    per_article = []
    for text in corpus:
        start = time.perf_counter()
        recognise(text, matcher)
        per_article.append(time.perf_counter() - start)
    total = sum(per_article)
    print(
        f"{len(corpus):,} articles, {corpus_words:,} words:   {total:8.3f} s in all, "
        f"median {statistics.median(per_article) * 1000:.2f} ms, "
        f"slowest {max(per_article) * 1000:.2f} ms per article "
        f"({corpus_words / total:,.0f} words/s)"
    )

    from articles.suggestions import suggest

    seconds, _ = best_of(max(1, options.repeat // 2), lambda: suggest(long_text))
    print(f"Full suggestion with tags, {words:,} words: {seconds * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
