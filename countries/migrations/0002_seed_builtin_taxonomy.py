"""Seed the built-in countries and cooperation areas, with the aliases and keywords that
recognition needs, from countries/demo/*.json.

Idempotent and polite, like load_demo: a row is created only when no row has its slug, name
(or code, for countries) yet, and existing rows are never changed. Only the fields this
migration's model state knows are read from the files, so later additions to the JSON cannot
break it.
"""

import json
from pathlib import Path

from django.db import migrations
from django.db.models import Q

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"

COUNTRY_FIELDS = ("name", "code", "role", "capital", "summary", "body")
AREA_FIELDS = ("name", "summary", "body", "position")


def _entries(filename):
    return json.loads((DEMO_DIR / filename).read_text(encoding="utf-8"))


def seed_builtin_taxonomy(apps, schema_editor):
    Country = apps.get_model("countries", "Country")
    CooperationArea = apps.get_model("countries", "CooperationArea")
    for entry in _entries("countries.json"):
        taken = Q(slug=entry["slug"]) | Q(name=entry["name"]) | Q(code=entry["code"])
        if not Country.objects.filter(taken).exists():
            Country.objects.create(
                slug=entry["slug"],
                aliases="\n".join(entry["aliases"]),
                **{name: entry[name] for name in COUNTRY_FIELDS},
            )
    for entry in _entries("areas.json"):
        taken = Q(slug=entry["slug"]) | Q(name=entry["name"])
        if not CooperationArea.objects.filter(taken).exists():
            CooperationArea.objects.create(
                slug=entry["slug"],
                keywords="\n".join(entry["keywords"]),
                **{name: entry[name] for name in AREA_FIELDS},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("countries", "0001_initial"),
    ]

    operations = [
        # Nothing to undo: the rows may be in use by then, and editors own them.
        migrations.RunPython(seed_builtin_taxonomy, migrations.RunPython.noop),
    ]
