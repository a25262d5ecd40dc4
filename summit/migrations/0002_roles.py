"""Create the newsroom's roles, so every install has them.

Contributor: writes and edits their own drafts (the admin narrows these permissions to their own
unpublished articles). Editor: everything on articles, tags, countries, areas and redirects,
including publishing. Administrators are superusers and manage users and roles.

The lists are frozen here on purpose: a data migration must not depend on today's code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")

EDITOR = {
    "articles": {
        "article": ALL,
        "tag": ALL,
        "taggedarticle": ALL,
        "articlecountry": ALL,
        "articlearea": ALL,
    },
    "countries": {"country": ALL, "cooperationarea": ALL},
    "summit": {"redirect": ALL},
}
EDITOR_EXTRA = [("articles", "publish_article")]

CONTRIBUTOR = {
    "articles": {"article": ALL, "tag": ("view", "delete")},
    "countries": {"country": ("view",), "cooperationarea": ("view",)},
}


def _codenames(spec):
    for app_label, models in spec.items():
        for model, actions in models.items():
            for action in actions:
                yield app_label, f"{action}_{model}"


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; a fresh database needs
    # them now to attach them to the groups.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(pairs):
        found = []
        for app_label, codename in pairs:
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return found

    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(*permissions([*_codenames(EDITOR), *EDITOR_EXTRA]))
    contributor, _ = Group.objects.get_or_create(name="Contributor")
    contributor.permissions.add(*permissions(_codenames(CONTRIBUTOR)))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Contributor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("summit", "0001_redirect"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0002_article_version"),
        ("countries", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
