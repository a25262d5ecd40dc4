# ruff: noqa: RUF001 — the texts use typographic quotes, dashes and Cyrillic on purpose.
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from countries.models import CooperationArea, Country
from countries.recognition import recognise
from tests.factories import make_country

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("countries.migrations.0002_seed_builtin_taxonomy")


def seed() -> None:
    seed_migration.seed_builtin_taxonomy(apps, None)


def test_migration_seeds_the_built_in_countries_and_areas_with_their_aliases():
    seed()
    assert Country.objects.count() == 12
    assert CooperationArea.objects.count() == 10
    kazakhstan = Country.objects.get(slug="kazakhstan")
    assert {"Astana", "Nur-Sultan", "Kazakh", "カザフスタン", "Казахстан"} <= set(
        kazakhstan.alias_list
    )
    assert kazakhstan.body  # the full profile, so load_demo has nothing left to add
    assert "renewable energy" in CooperationArea.objects.get(slug="energy").keyword_list


def test_ambiguous_aliases_are_not_built_in():
    seed()
    aliases = Country.objects.get(slug="united-states").alias_list
    assert "Washington" not in aliases
    assert "America" not in aliases
    assert "US" in aliases


def test_seeding_is_idempotent_and_agrees_with_load_demo():
    seed()
    seed()
    call_command("load_demo", stdout=StringIO())
    assert Country.objects.count() == 12
    assert CooperationArea.objects.count() == 10


def test_seeding_leaves_an_editors_rows_alone():
    make_country("Kazakhstan", slug="kz", code="KZ", aliases="Qazaqstan")
    seed()
    assert Country.objects.filter(code="KZ").count() == 1
    assert Country.objects.get(code="KZ").aliases == "Qazaqstan"
    assert Country.objects.count() == 12


def test_built_in_aliases_recognise_a_wire_story():
    seed()
    text = (
        "ASTANA — Kazakhstan’s deputy foreign minister met Uzbek and Kyrgyz counterparts "
        "before flying to Tokyo. Officials from the US and the PRC watched as the talks, "
        "held in Tashkent last year and in Nur-Sultan before that, turned to renewable energy, "
        "transportation projects and STEM scholarships. Russians and Prussians alike were "
        "absent; nobody mentioned Indochina. Let us see. Counter-terrorism and extremism came "
        "last. 日本とカザフスタンの協力。Казахстан."
    )
    found = recognise(text)
    assert {m.term.slug for m in found.countries} == {
        "kazakhstan",
        "uzbekistan",
        "kyrgyzstan",
        "japan",
        "united-states",
        "china",
        "russia",
    }
    counts = {m.term.slug: m.count for m in found.countries}
    assert counts["kazakhstan"] == 5
    assert counts["united-states"] == 1
    assert counts["russia"] == 1
    assert {m.term.slug for m in found.areas} == {
        "energy",
        "infrastructure",
        "stem-education",
        "counter-terrorism",
    }
