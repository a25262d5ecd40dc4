"""The terms editors expect are built in, and databases seeded before them receive them."""

import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps

from countries.models import CooperationArea, Country
from countries.recognition import recognise
from tests.factories import make_area, make_country

pytestmark = pytest.mark.django_db

DEMO_DIR = Path(__file__).resolve().parents[2] / "countries" / "demo"

seed_migration = importlib.import_module("countries.migrations.0002_seed_builtin_taxonomy")
terms_migration = importlib.import_module("countries.migrations.0003_add_expected_terms")


@pytest.mark.parametrize(
    ("sentence", "area"),
    [
        ("Tokyo will back a green hydrogen pilot in Kazakhstan.", "energy"),
        ("Renewables now cover a quarter of demand.", "energy"),
        ("Japanese investment in the region keeps growing.", "trade"),
        ("Foreign investors asked for clearer tax rules.", "trade"),
        ("Officials spoke of transport links to the Caspian.", "infrastructure"),
        ("Two men were held for recruiting for the Islamic State.", "counter-terrorism"),
        ("The SCO meets in Astana next month.", "security"),
        ("Free courses in mathematics and robotics start in May.", "stem-education"),
        ("Tourists from Osaka filled the hotels of Samarkand.", "cultural-exchange"),
        ("A vaccination drive reached remote villages.", "health"),
        ("Evacuation plans were tested before the avalanche season.", "disaster-response"),
        ("River pollution worries farmers downstream.", "water-environment"),
    ],
)
def test_terms_editors_expect_signal_their_area(sentence, area):
    seed_migration.seed_builtin_taxonomy(apps, None)
    assert area in {mention.term.slug for mention in recognise(sentence).areas}


def test_built_in_place_names_point_to_their_country():
    seed_migration.seed_builtin_taxonomy(apps, None)
    found = recognise("Oil from Atyrau and cotton from Karakalpakstan.")
    assert {mention.term.slug for mention in found.countries} == {"kazakhstan", "uzbekistan"}


def test_every_term_the_migration_adds_is_in_the_demo_files():
    # New databases are seeded from the JSON, existing ones get the migration's lists: the
    # two must agree, or the two kinds of database would recognise different things.
    for filename, field, additions in (
        ("areas.json", "keywords", terms_migration.AREA_KEYWORDS),
        ("countries.json", "aliases", terms_migration.COUNTRY_ALIASES),
    ):
        entries = json.loads((DEMO_DIR / filename).read_text(encoding="utf-8"))
        listed = {entry["slug"]: set(entry[field]) for entry in entries}
        for slug, terms in additions.items():
            assert set(terms) <= listed[slug], (filename, slug)


def test_migration_appends_missing_terms_and_keeps_what_editors_wrote():
    energy = make_area("Energy", slug="energy", keywords="uranium\nHYDROGEN\nsteppe wind\n")
    make_country("Kazakhstan", slug="kazakhstan", code="KZ", aliases="Astana")
    make_area("Editors' own area", slug="own", keywords="kept")

    terms_migration.add_expected_terms(apps, None)

    energy.refresh_from_db()
    lines = energy.keyword_list
    assert lines[:3] == ["uranium", "HYDROGEN", "steppe wind"]
    assert "hydrogen" not in lines  # already there, in another case
    assert {"renewables", "energy security", "coal"} <= set(lines)
    assert "" not in energy.keywords.split("\n")
    assert Country.objects.get(code="KZ").alias_list[:2] == ["Astana", "Qazaqstan"]
    assert CooperationArea.objects.get(slug="own").keywords == "kept"


def test_migration_is_idempotent_and_skips_rows_that_are_not_there():
    make_area("Health", slug="health", keywords="")
    terms_migration.add_expected_terms(apps, None)
    once = CooperationArea.objects.get(slug="health").keywords
    terms_migration.add_expected_terms(apps, None)
    assert CooperationArea.objects.get(slug="health").keywords == once
    assert once.splitlines() == terms_migration.AREA_KEYWORDS["health"]
    assert CooperationArea.objects.count() == 1
