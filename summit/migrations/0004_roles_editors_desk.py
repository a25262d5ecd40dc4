"""Roles for the editor's desk: the media library's images (Contributors upload and describe
them, Editors also delete), corrections (Editors), and review notes (both may read them).

Reads today's role definitions, like 0003; it only adds permissions.
"""

from django.db import migrations

from summit.roles import sync_roles


def bring_roles_up_to_date(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("summit", "0003_roles_follow_the_models"),
        ("articles", "0016_editors_desk"),
        ("media_library", "0001_image"),
    ]

    operations = [migrations.RunPython(bring_roles_up_to_date, migrations.RunPython.noop)]
