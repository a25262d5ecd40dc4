"""Roles follow the models: every model permission is placed, and migrations apply the roles.

A new model (or a new `Meta.permissions` entry) fails the first test until summit/roles.py
gives it to a role or lists it in ADMIN_ONLY with a reason; a roles change without a migration
fails the migration tests.
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles.models import AuthorProfile
from summit.roles import ADMIN_ONLY, CONTRIBUTOR, EDITOR, PROJECT_APPS, ROLES
from tests.factories import make_author, make_editor

ROLE_MIGRATION = "summit.migrations.0003_roles_follow_the_models"


def model_permissions() -> set[str]:
    """The permissions Django creates for the project apps' models, as "app_label.codename"."""
    found = set()
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            opts = model._meta
            found |= {f"{label}.{action}_{opts.model_name}" for action in opts.default_permissions}
            found |= {f"{label}.{codename}" for codename, _ in opts.permissions}
    return found


def in_roles() -> set[str]:
    return set().union(*ROLES.values())


def group_permissions(name: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_every_model_permission_is_in_a_role_or_deliberately_admin_only():
    unplaced = model_permissions() - in_roles() - ADMIN_ONLY.keys()
    assert not unplaced, (
        f"Give these permissions to a role in summit/roles.py (and add a migration calling "
        f"sync_roles), or list them in ADMIN_ONLY with a reason: {sorted(unplaced)}"
    )


def test_roles_name_only_permissions_that_exist():
    stale = (in_roles() | ADMIN_ONLY.keys()) - model_permissions()
    assert not stale, f"No model has these permissions any more: {sorted(stale)}"


def test_admin_only_permissions_are_in_no_role_and_say_why():
    assert not in_roles() & ADMIN_ONLY.keys()
    assert all(reason.strip() for reason in ADMIN_ONLY.values())


@pytest.mark.django_db
@pytest.mark.parametrize("role", [EDITOR, CONTRIBUTOR])
def test_after_migrations_each_group_holds_its_role(role):
    missing = ROLES[role] - group_permissions(role)
    assert not missing, f"Add a migration that calls summit.roles.sync_roles: {sorted(missing)}"


@pytest.mark.django_db
def test_after_migrations_editors_may_manage_author_profiles():
    assert "articles.change_authorprofile" in group_permissions(EDITOR)
    assert "articles.change_authorprofile" not in group_permissions(CONTRIBUTOR)


@pytest.mark.django_db
def test_the_migration_brings_an_old_database_up_to_date_and_keeps_hand_given_permissions():
    editor = Group.objects.get(name=EDITOR)
    # What 0002 left behind, plus a permission an administrator added by hand.
    editor.permissions.remove(*Permission.objects.filter(codename__endswith="_authorprofile"))
    editor.permissions.add(Permission.objects.get(codename="view_user"))
    migration = importlib.import_module(ROLE_MIGRATION)

    migration.bring_roles_up_to_date(apps, None)
    once = group_permissions(EDITOR)
    migration.bring_roles_up_to_date(apps, None)

    assert group_permissions(EDITOR) == once
    assert ROLES[EDITOR] <= once
    assert "auth.view_user" in once


@pytest.mark.django_db
def test_an_editor_edits_another_authors_profile(client):
    client.force_login(make_editor("desk"))
    other = make_author("sino", display_name="Sino")
    profile = other.author_profile
    url = reverse("admin:articles_authorprofile_change", args=[profile.pk])
    response = client.post(url, {"user": other.pk, "display_name": "Sino Rahimova", "bio": ""})
    assert response.status_code == 302
    assert AuthorProfile.objects.get(pk=profile.pk).display_name == "Sino Rahimova"
