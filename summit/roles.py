"""The newsroom's roles: which model permissions each group holds, in one place.

*Editor*: everything on articles, tags, countries, areas, author profiles, redirects, and
events and commitments, plus `articles.publish_article`. *Contributor*: writes articles
(`articles/workflow.py` narrows that to their own drafts), views and deletes tags (the tag
admin refuses tags in use), views countries, areas, events and commitments. Contributors edit
their own author profile without a model permission (the profile admin lets everyone edit
their own; `*_authorprofile` means "anyone's").
*Administrators* are superusers: they hold what `ADMIN_ONLY` lists and manage accounts.

Read by the data migrations that bring the groups up to date (`summit/migrations/0003_…`)
and by `manage.py create_editor`. `tests/summit/test_roles_cover_models.py` fails when a model
permission of the project's apps is in no role and not in `ADMIN_ONLY`; when you change the
roles, add a migration that calls `sync_roles` again so existing databases follow.

Plain "app_label.codename" strings: this module imports no app, so the core stays a leaf.
"""

from __future__ import annotations

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

EDITOR = "Editor"
CONTRIBUTOR = "Contributor"
# The `create_editor --role` choices.
ROLE_CHOICES = {"editor": EDITOR, "contributor": CONTRIBUTOR}

ALL = ("add", "change", "delete", "view")


def _on(app_label: str, model: str, actions: tuple[str, ...] = ALL) -> frozenset[str]:
    return frozenset(f"{app_label}.{action}_{model}" for action in actions)


# Events, their status history and outcome documents, commitments and their updates: editors
# manage them all, contributors read them.
EVENT_MODELS = ("event", "statuschange", "outcomedocument", "commitment", "commitmentupdate")

ROLES: dict[str, frozenset[str]] = {
    EDITOR: frozenset().union(
        _on("articles", "article"),
        {"articles.publish_article"},
        _on("articles", "tag"),
        _on("articles", "taggedarticle"),
        _on("articles", "articlecountry"),
        _on("articles", "articlearea"),
        # The README promises editors manage every author's name and bio.
        _on("articles", "authorprofile"),
        _on("countries", "country"),
        _on("countries", "cooperationarea"),
        _on("summit", "redirect"),
        _on("media_library", "image"),
        _on("articles", "correction"),
        _on("articles", "reviewnote", ("view",)),
        _on("articles", "articleimage", ("view",)),
        *(_on("events", model) for model in EVENT_MODELS),
    ),
    CONTRIBUTOR: frozenset().union(
        _on("articles", "article"),
        _on("articles", "tag", ("view", "delete")),
        _on("countries", "country", ("view",)),
        _on("countries", "cooperationarea", ("view",)),
        # Contributors upload and describe images; deleting one is an editor's call.
        _on("media_library", "image", ("add", "change", "view")),
        _on("articles", "reviewnote", ("view",)),
        *(_on("events", model, ("view",)) for model in EVENT_MODELS),
    ),
}

# Permissions no role holds on purpose, with why; only superusers have them.
ADMIN_ONLY: dict[str, str] = {
    **dict.fromkeys(
        _on("articles", "searchdocument"),
        "Derived from the article by articles.search on every save; nobody edits it by hand.",
    ),
    **dict.fromkeys(
        _on("articles", "relatedarticle"),
        "Related articles chosen by the write path (articles.models); nobody edits them by "
        "hand, and rebuild_related chooses them again.",
    ),
    **dict.fromkeys(
        _on("articles", "linktally") | _on("articles", "articletally"),
        "Counts moved by every change to an article's status or links (articles.models); "
        "nobody edits them by hand, and rebuild_counts recounts them.",
    ),
    **dict.fromkeys(
        _on("articles", "reviewnote", ("add", "change", "delete")),
        "Written by the review transitions (Article.submit_for_review, return_to_draft, "
        "publish); a note is a record of what happened, not something to edit.",
    ),
    **dict.fromkeys(
        _on("articles", "articleimage", ("add", "change", "delete")),
        "Kept in step with each article's body by the write path (save_revision).",
    ),
    **dict.fromkeys(
        _on("taggit", "tag") | _on("taggit", "taggeditem"),
        "taggit's default tables stay empty: Summit's tags are articles.Tag, which editors "
        "manage; the admin unregisters taggit's Tag.",
    ),
}

# The apps whose model permissions the roles must account for (the coverage test).
PROJECT_APPS = ("events", "articles", "countries", "media_library", "summit", "taggit")


def sync_roles(apps: Apps) -> None:
    """Create the groups and give each the permissions `ROLES` lists. Idempotent.

    Only adds: a permission an administrator gave a group by hand stays. Permissions of models
    that do not exist yet at this point of the migration history are skipped; the migration
    that follows the roles change adds them.
    """
    for app_config in apps.get_app_configs():
        # Permissions are normally created after all migrations ran; a fresh database needs
        # them now. Migration-time app configs have no models module, which
        # create_permissions would read as "no models".
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    by_name = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in permission_model.objects.select_related("content_type")
    }
    for role, names in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.add(*(by_name[name] for name in sorted(names) if name in by_name))
