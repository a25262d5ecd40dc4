"""How well recognition does on sentences whose countries and areas a person has labelled.

One computation for the test that keeps the figures from falling and for the script that
prints them (bench/recognition_quality.py). Scores are micro-averaged: every (sentence,
country or area) pair counts once, so a sentence with three countries weighs three times a
sentence with one, as it does for an editor who has to tick or untick each of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from countries.recognition import Matcher, recognise

KINDS = ("country", "area")


@dataclass(frozen=True)
class Example:
    """A sentence and the slugs of the countries and areas an editor would tick for it."""

    text: str
    countries: frozenset[str]
    areas: frozenset[str]

    def expected(self, kind: str) -> frozenset[str]:
        return self.countries if kind == "country" else self.areas


@dataclass
class Score:
    """Counts of right, extra and missed labels, and the ratios derived from them."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        # Finding nothing claims nothing wrong; recall is what shows the miss.
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def add(self, expected: frozenset[str], found: frozenset[str]) -> None:
        self.true_positives += len(expected & found)
        self.false_positives += len(found - expected)
        self.false_negatives += len(expected - found)


@dataclass(frozen=True)
class Mistake:
    """One sentence where recognition and the label disagree."""

    text: str
    kind: str
    missed: frozenset[str]
    extra: frozenset[str]


@dataclass
class Evaluation:
    """Scores overall and per kind ("country", "area"), and every disagreement."""

    overall: Score = field(default_factory=Score)
    by_kind: dict[str, Score] = field(default_factory=lambda: {kind: Score() for kind in KINDS})
    mistakes: list[Mistake] = field(default_factory=list)
    examples: int = 0


def load_examples(path: Path) -> list[Example]:
    """Read a labelled set: a JSON list of {"text", "countries": [slugs], "areas": [slugs]}."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [
        Example(entry["text"], frozenset(entry["countries"]), frozenset(entry["areas"]))
        for entry in entries
    ]


def evaluate(examples: list[Example], matcher: Matcher | None = None) -> Evaluation:
    """Recognise every example and compare the slugs found with the labelled ones."""
    evaluation = Evaluation(examples=len(examples))
    for example in examples:
        found = recognise(example.text, matcher)
        found_slugs = {
            "country": frozenset(m.term.slug for m in found.countries),
            "area": frozenset(m.term.slug for m in found.areas),
        }
        for kind in KINDS:
            expected = example.expected(kind)
            evaluation.by_kind[kind].add(expected, found_slugs[kind])
            evaluation.overall.add(expected, found_slugs[kind])
            if expected != found_slugs[kind]:
                evaluation.mistakes.append(
                    Mistake(
                        example.text,
                        kind,
                        missed=expected - found_slugs[kind],
                        extra=found_slugs[kind] - expected,
                    )
                )
    return evaluation
