"""Print the precision, recall and F1 of recognition on the labelled sentences.

    .venv/bin/python bench/recognition_quality.py [--mistakes]

Runs against a fresh in-memory SQLite database, migrated so it holds the built-in countries
and areas (unless DATABASE_URL says otherwise), on the sentences in
tests/countries/recognition_set.json. The figures come from the same function as the test
that keeps them from falling (countries.recognition_quality.evaluate). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

LABELLED_SET = ROOT / "tests" / "countries" / "recognition_set.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mistakes", action="store_true", help="also list every sentence recognition gets wrong"
    )
    options = parser.parse_args()

    # Django must be set up (after the environment above) before the models can be imported.
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    from countries.recognition import taxonomy_matcher
    from countries.recognition_quality import evaluate, load_examples

    examples = load_examples(LABELLED_SET)
    evaluation = evaluate(examples, taxonomy_matcher())
    print(f"{evaluation.examples} labelled sentences ({LABELLED_SET.relative_to(ROOT)})")
    print(f"{'':10} {'precision':>9} {'recall':>7} {'F1':>6}   right  extra  missed")
    rows = [
        ("overall", evaluation.overall),
        ("countries", evaluation.by_kind["country"]),
        ("areas", evaluation.by_kind["area"]),
    ]
    for label, score in rows:
        print(
            f"{label:10} {score.precision:9.3f} {score.recall:7.3f} {score.f1:6.3f}"
            f"   {score.true_positives:5} {score.false_positives:6} {score.false_negatives:7}"
        )
    if options.mistakes:
        print()
        for mistake in evaluation.mistakes:
            missed = ", ".join(sorted(mistake.missed)) or "-"
            extra = ", ".join(sorted(mistake.extra)) or "-"
            print(f"{mistake.kind:7} missed {missed:28} extra {extra:22} {mistake.text}")


if __name__ == "__main__":
    main()
