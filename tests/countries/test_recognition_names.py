"""A country's or an area's own name always counts, alongside its aliases or keywords."""

import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps

from countries.recognition import recognise
from tests.factories import make_area

pytestmark = pytest.mark.django_db

DEMO_DIR = Path(__file__).resolve().parents[2] / "countries" / "demo"
BUILTIN_COUNTRIES = json.loads((DEMO_DIR / "countries.json").read_text(encoding="utf-8"))
BUILTIN_AREAS = json.loads((DEMO_DIR / "areas.json").read_text(encoding="utf-8"))

seed_migration = importlib.import_module("countries.migrations.0002_seed_builtin_taxonomy")


@pytest.fixture
def builtin_taxonomy() -> None:
    # Tests start from an empty taxonomy (tests/conftest.py); seed it as a new database is.
    seed_migration.seed_builtin_taxonomy(apps, None)


def slugs(mentions) -> set[str]:
    return {mention.term.slug for mention in mentions}


@pytest.mark.parametrize("entry", BUILTIN_COUNTRIES, ids=lambda entry: entry["slug"])
def test_every_built_in_country_is_found_by_its_own_name(builtin_taxonomy, entry):
    found = recognise(f"A delegation from {entry['name']} arrived on Monday for two days of talks.")
    assert slugs(found.countries) == {entry["slug"]}
    assert slugs(found.areas) == set()


@pytest.mark.parametrize("entry", BUILTIN_AREAS, ids=lambda entry: entry["slug"])
@pytest.mark.parametrize("written", [str, str.lower], ids=["as-named", "lower-case"])
def test_every_built_in_area_is_found_by_its_own_name_in_running_text(
    builtin_taxonomy, entry, written
):
    name = written(entry["name"])
    found = recognise(f"On the second day the ministers turned to {name} and little else.")
    assert slugs(found.areas) == {entry["slug"]}
    assert slugs(found.countries) == set()


def test_area_names_that_editors_write_in_running_text_are_found(builtin_taxonomy):
    found = recognise(
        "Japan and Kazakhstan discussed trade, energy and disaster response, then security."
    )
    assert slugs(found.areas) == {"trade", "energy", "disaster-response", "security"}


def test_an_area_with_keywords_is_still_found_by_its_name():
    make_area("Energy", keywords="hydropower\nuranium")
    found = recognise("Energy ministers met; uranium was not mentioned until the energies ran low.")
    assert {mention.name: mention.count for mention in found.areas} == {"Energy": 3}


def test_an_own_name_follows_the_case_rule_for_short_capitals():
    make_area("STEM", keywords="kosen")
    assert slugs(recognise("Most delays stem from paperwork.").areas) == set()
    assert slugs(recognise("A new STEM school opened.").areas) == {"stem"}


def test_a_longer_keyword_of_another_area_still_wins_over_an_own_name():
    make_area("Security", keywords="military")
    make_area("Counter-terrorism", keywords="border security")
    found = recognise("Border security was tightened.")
    assert slugs(found.areas) == {"counter-terrorism"}
