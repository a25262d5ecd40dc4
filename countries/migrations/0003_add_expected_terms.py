"""Give existing databases the terms editors expect, added to countries/demo/*.json later.

0002 and load_demo create rows but never change one, so a database seeded before these
terms existed would never get them. This appends each term to its built-in row (found by
slug) when the row exists and does not list the term yet, in any case; everything an editor
wrote stays as it was, in its order. The lists are written out here rather than read from
the JSON so that what this migration does never changes.
"""

from django.db import migrations

AREA_KEYWORDS = {
    "trade": [
        "trade", "investment", "investor", "exporter", "joint venture", "business forum",
        "Eurasian Economic Union", "EAEU",
    ],
    "security": [
        "defence", "defense", "armed forces", "border clash", "Shanghai Cooperation Organisation",
        "Shanghai Cooperation Organization", "SCO", "non-proliferation", "nuclear disarmament",
    ],
    "energy": [
        "hydrogen", "renewables", "electricity", "power grid", "hydroelectric", "nuclear power",
        "coal", "oil", "gas field", "wind farm", "energy security", "decarbonisation",
        "decarbonization",
    ],
    "stem-education": [
        "engineering school", "technical university", "technical training",
        "science and technology", "mathematics", "robotics", "programming", "coding",
    ],
    "infrastructure": [
        "infrastructure", "transport", "transportation", "rail", "port", "freight",
        "connectivity", "metro",
    ],
    "disaster-response": [
        "disaster", "evacuation", "avalanche", "tsunami", "aftershock", "emergency situations",
    ],
    "counter-terrorism": [
        "terror", "jihadist", "Islamic State", "ISIS", "foreign fighters", "deradicalisation",
        "deradicalization",
    ],
    "cultural-exchange": [
        "cultural", "tourist", "exchange programme", "exchange program", "student exchange",
        "soft power", "festival", "museum",
    ],
    "water-environment": [
        "water", "environmental", "river", "emissions", "pollution", "biodiversity",
    ],
    "health": [
        "medical", "medicine", "doctor", "nurse", "disease", "epidemic", "vaccination",
        "Covid-19",
    ],
}

COUNTRY_ALIASES = {
    "kazakhstan": ["Qazaqstan", "Atyrau", "Aktobe", "Semey", "Semipalatinsk"],
    "kyrgyzstan": ["Karakol", "Jalal-Abad"],
    "tajikistan": ["Gorno-Badakhshan"],
    "uzbekistan": ["Karakalpakstan", "Nukus", "Termez"],
}


def with_terms(text, terms):
    """`text` (one phrase a line) with the missing `terms` appended, or None if none is missing."""
    present = {line.strip().casefold() for line in text.splitlines()}
    missing = [term for term in terms if term.casefold() not in present]
    if not missing:
        return None
    kept = text.rstrip()
    return "\n".join([kept, *missing] if kept else missing)


def append_terms(model, field, additions):
    for slug, terms in additions.items():
        row = model.objects.filter(slug=slug).first()
        if row is None:
            continue  # not built in here, or an editor gave it another address: leave it
        updated = with_terms(getattr(row, field), terms)
        if updated is not None:
            setattr(row, field, updated)
            row.save(update_fields=[field])


def add_expected_terms(apps, schema_editor):
    append_terms(apps.get_model("countries", "CooperationArea"), "keywords", AREA_KEYWORDS)
    append_terms(apps.get_model("countries", "Country"), "aliases", COUNTRY_ALIASES)


class Migration(migrations.Migration):
    dependencies = [
        ("countries", "0002_seed_builtin_taxonomy"),
    ]

    operations = [
        # Nothing to undo: by then an editor may rely on the terms, and extra terms are harmless.
        migrations.RunPython(add_expected_terms, migrations.RunPython.noop),
    ]
