"""Recognition's precision and recall on labelled sentences must not fall.

The sentences (recognition_set.json) were written for these tests; each lists the countries
and areas an editor would tick. bench/recognition_quality.py prints the same figures. The
floors are the figures measured when the set was written, rounded down to two decimals:
raise them when recognition improves, and never lower them to let a change through.
"""

import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps

from countries.recognition import Matcher, Term, taxonomy_matcher
from countries.recognition_quality import Example, Score, evaluate, load_examples

LABELLED_SET = Path(__file__).resolve().parent / "recognition_set.json"
DEMO_DIR = Path(__file__).resolve().parents[2] / "countries" / "demo"

# (precision, recall) measured at 0.969/0.944 overall, 0.984/0.977 for countries and
# 0.937/0.881 for areas on 71 sentences.
FLOORS = {
    "overall": (0.96, 0.94),
    "country": (0.98, 0.97),
    "area": (0.93, 0.88),
}

seed_migration = importlib.import_module("countries.migrations.0002_seed_builtin_taxonomy")


def builtin_slugs(filename: str) -> set[str]:
    return {entry["slug"] for entry in json.loads((DEMO_DIR / filename).read_text("utf-8"))}


def test_the_labelled_set_is_large_enough_and_names_only_built_in_slugs():
    examples = load_examples(LABELLED_SET)
    assert len(examples) >= 30
    assert len({example.text for example in examples}) == len(examples)
    countries, areas = builtin_slugs("countries.json"), builtin_slugs("areas.json")
    for example in examples:
        assert example.countries <= countries, example.text
        assert example.areas <= areas, example.text
    # Some sentences must carry no area at all, or precision would go untested.
    assert any(not example.areas for example in examples)


@pytest.mark.django_db
def test_precision_and_recall_on_the_labelled_set_stay_above_their_floors():
    seed_migration.seed_builtin_taxonomy(apps, None)
    evaluation = evaluate(load_examples(LABELLED_SET), taxonomy_matcher())
    scores = {"overall": evaluation.overall, **evaluation.by_kind}
    mistakes = "\n".join(
        f"{m.kind}: missed {sorted(m.missed)}, extra {sorted(m.extra)}: {m.text}"
        for m in evaluation.mistakes
    )
    for kind, (precision, recall) in FLOORS.items():
        assert scores[kind].precision >= precision, f"{kind} precision fell\n{mistakes}"
        assert scores[kind].recall >= recall, f"{kind} recall fell\n{mistakes}"


def test_scores_are_micro_averaged_over_every_label():
    score = Score()
    score.add(expected=frozenset({"a", "b"}), found=frozenset({"a", "c"}))
    score.add(expected=frozenset({"d"}), found=frozenset({"d"}))
    assert (score.true_positives, score.false_positives, score.false_negatives) == (2, 1, 1)
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(2 / 3)


def test_finding_nothing_is_not_counted_as_a_wrong_claim():
    assert Score(false_negatives=3).precision == 1.0
    assert Score(false_negatives=3).recall == 0.0
    assert Score().f1 == 1.0


def test_evaluation_reports_scores_per_kind_and_each_disagreement():
    matcher = Matcher(
        [
            Term("country", 1, "Japan", "japan", ("Japan", "Tokyo")),
            Term("area", 2, "Energy", "energy", ("Energy", "hydrogen")),
        ]
    )
    examples = [
        Example("Tokyo backs hydrogen.", frozenset({"japan"}), frozenset({"energy"})),
        Example("Japan and trade.", frozenset({"japan"}), frozenset({"trade"})),
        Example("Energy drinks sold well.", frozenset(), frozenset()),
    ]
    evaluation = evaluate(examples, matcher)
    assert evaluation.examples == 3
    assert evaluation.by_kind["country"].recall == 1.0
    assert evaluation.by_kind["area"].precision == 0.5
    assert evaluation.by_kind["area"].recall == 0.5
    assert evaluation.overall.true_positives == 3
    assert [(m.text, m.missed, m.extra) for m in evaluation.mistakes] == [
        ("Japan and trade.", frozenset({"trade"}), frozenset()),
        ("Energy drinks sold well.", frozenset(), frozenset({"energy"})),
    ]
