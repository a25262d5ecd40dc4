"""Roles for events and commitments: Editors manage events, their status history and outcome
documents, commitments and their updates; Contributors may read them.

Reads today's role definitions, like 0003 and 0004; it only adds permissions.
"""

from django.db import migrations

from summit.roles import sync_roles


def bring_roles_up_to_date(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("summit", "0004_roles_editors_desk"),
        ("events", "0001_events_and_commitments"),
    ]

    operations = [migrations.RunPython(bring_roles_up_to_date, migrations.RunPython.noop)]
