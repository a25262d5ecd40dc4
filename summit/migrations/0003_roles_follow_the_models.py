"""Bring the roles up to what `summit/roles.py` says: Editors gain the author-profile
permissions 0002 left out (the README promised editors manage every profile).

Unlike 0002 this reads today's role definitions on purpose: its job is to make an existing
database match them. It only adds permissions, so running it again changes nothing, and
reversing it leaves the groups as they are.
"""

from django.db import migrations

from summit.roles import sync_roles


def bring_roles_up_to_date(apps, schema_editor):
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("summit", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0005_article_kicker_and_lead_image_focus"),
        ("countries", "0003_add_expected_terms"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(bring_roles_up_to_date, migrations.RunPython.noop)]
