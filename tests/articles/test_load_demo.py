import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command

from articles.models import Article, Tag
from countries.models import CooperationArea, Country

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("countries.migrations.0002_seed_builtin_taxonomy")


def test_load_demo_creates_the_publication_and_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = (Country.objects.count(), CooperationArea.objects.count(), Article.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (
        Country.objects.count(),
        CooperationArea.objects.count(),
        Article.objects.count(),
    ) == counts

    assert set(
        Country.objects.filter(role=Country.Role.CENTRAL_ASIA).values_list("code", flat=True)
    ) == {"KZ", "KG", "TJ", "TM", "UZ"}
    assert Country.objects.get(code="JP").role == Country.Role.HOST
    assert {"china", "russia", "united-states"} <= set(
        Country.objects.values_list("slug", flat=True)
    )
    assert CooperationArea.objects.count() >= 8
    assert Article.objects.count() >= 12
    assert Article.objects.filter(status="draft").count() == 1
    assert Article.objects.scheduled().count() == 1
    assert Article.objects.published().filter(featured=True).exists()
    assert Tag.objects.in_use().count() >= 15
    assert Tag.objects.filter(slug="防災").exists()
    assert "Astana" in Country.objects.get(code="KZ").alias_list
    assert "renewable energy" in CooperationArea.objects.get(slug="energy").keyword_list


def test_load_demo_keeps_an_editors_changes():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    Country.objects.filter(slug="kazakhstan").update(summary="Edited by the desk")
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert Country.objects.get(slug="kazakhstan").summary == "Edited by the desk"


def load_demo_summary() -> dict[str, tuple[int, int]]:
    """{"Countries": (total, new), …} from the command's summary line."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return {
        label: (int(total), int(new))
        for label, total, new in re.findall(r"(\w+): (\d+) \((\d+) new\)", out.getvalue())
    }


def test_load_demo_reports_what_exists_on_a_fresh_install_and_on_a_repeat_run():
    # A fresh install: the migration has seeded the built-in countries and areas (run again
    # here, as other tests may have emptied the tables).
    seed_migration.seed_builtin_taxonomy(apps, None)
    seeded = (Country.objects.count(), CooperationArea.objects.count())
    assert seeded[0] > 0

    first = load_demo_summary()
    assert list(first) == ["Countries", "Areas", "Articles", "Tags", "Authors"]
    # The countries and areas the migration seeded are reported as there, not as missing.
    assert first["Countries"] == (Country.objects.count(), Country.objects.count() - seeded[0])
    assert first["Areas"] == (
        CooperationArea.objects.count(),
        CooperationArea.objects.count() - seeded[1],
    )
    assert first["Articles"] == (Article.objects.count(), Article.objects.count())
    assert first["Tags"] == (Tag.objects.count(), Tag.objects.count())
    assert first["Articles"][0] >= 12

    again = load_demo_summary()
    assert again == {label: (total, 0) for label, (total, _) in first.items()}
