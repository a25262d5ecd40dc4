"""Plain factory functions for tests: each returns a saved object with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article
from countries.models import CooperationArea, Country

_sequence = itertools.count(1)

COUNTRY_CODES = ["KZ", "KG", "TJ", "TM", "UZ", "JP", "CN", "RU", "US", "KR", "IN", "TR", "MN"]


def make_user(username: str | None = None, **fields):
    username = username or f"user{next(_sequence)}"
    fields.setdefault("password", "a-long-test-password")
    return get_user_model().objects.create_user(username=username, **fields)


def make_staff(username: str = "staffer", **fields):
    return make_user(username, is_staff=True, is_superuser=True, **fields)


def make_country(name: str | None = None, **fields) -> Country:
    number = next(_sequence)
    name = name or f"Country {number}"
    used = set(Country.objects.values_list("code", flat=True))
    fields.setdefault("code", next(code for code in COUNTRY_CODES if code not in used))
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    fields.setdefault("role", Country.Role.CENTRAL_ASIA)
    return Country.objects.create(name=name, **fields)


def make_area(name: str | None = None, **fields) -> CooperationArea:
    name = name or f"Area {next(_sequence)}"
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    return CooperationArea.objects.create(name=name, **fields)


def make_article(
    title: str | None = None,
    *,
    countries=(),
    areas=(),
    tags=(),
    published: bool = True,
    days_ago: float = 1,
    **fields,
) -> Article:
    title = title or f"Article {next(_sequence)}"
    fields.setdefault("status", Article.Status.PUBLISHED if published else Article.Status.DRAFT)
    fields.setdefault("publish_at", timezone.now() - timedelta(days=days_ago))
    fields.setdefault("dek", f"Standfirst of {title}")
    fields.setdefault("body", f"Body text of {title}.")
    article = Article.objects.create(title=title, **fields)
    if countries:
        article.countries.set(countries)
    if areas:
        article.cooperation_areas.set(areas)
    if tags:
        article.tags.set(list(tags))
    return article


def make_scheduled(title: str = "Scheduled piece", days_ahead: float = 3, **kwargs) -> Article:
    return make_article(title, days_ago=-days_ahead, **kwargs)


def make_role_user(role: str, username: str | None = None, **fields):
    """A staff account in one of the roles of summit/roles.py ("Editor", "Contributor")."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    from summit.roles import sync_roles

    if not Group.objects.filter(name=role).exists():
        # Tests with a live server flush every table afterwards, the migration's roles too.
        sync_roles(apps)
    user = make_user(username, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    return user


def make_editor(username: str = "editor1", **fields):
    return make_role_user("Editor", username, **fields)


def make_contributor(username: str = "contributor1", **fields):
    return make_role_user("Contributor", username, **fields)


def article_admin_data(article: Article | None = None, **overrides) -> dict:
    """What the admin's article form posts: the article's current values, then `overrides`."""
    from django.utils import timezone as tz

    publish_at = tz.localtime(article.publish_at) if article else tz.localtime()
    data = {
        "title": article.title if article else "Untitled",
        "slug": article.slug if article else "",
        "dek": article.dek if article else "",
        "body": article.body if article else "",
        "status": article.status if article else Article.Status.DRAFT,
        "language": article.language if article else Article.Language.ENGLISH,
        "translation_of": article.translation_of_id or "" if article else "",
        "publish_at_0": publish_at.date().isoformat(),
        "publish_at_1": publish_at.strftime("%H:%M:%S"),
        "byline": article.byline if article else "",
        "countries": [c.pk for c in article.countries.all()] if article else [],
        "cooperation_areas": [a.pk for a in article.cooperation_areas.all()] if article else [],
        "tags": ", ".join(article.tags.names()) + "," if article else "",
        "lead_image_alt": article.lead_image_alt if article else "",
        "lead_image_credit": article.lead_image_credit if article else "",
        "lead_image_focal_x": article.lead_image_focal_x if article else 50,
        "lead_image_focal_y": article.lead_image_focal_y if article else 50,
        "primary_country": article.primary_country_id or "" if article else "",
        "primary_area": article.primary_area_id or "" if article else "",
    }
    if article is not None:
        data["loaded_version"] = article.version
        if article.featured:
            data["featured"] = "on"
    data.update(overrides)
    return data


def make_author(username: str | None = None, *, display_name: str = "", bio: str = "", **fields):
    """A user with an author profile (the name and bio shown on their author page)."""
    from articles.models import AuthorProfile

    user = make_user(username, **fields)
    AuthorProfile.objects.create(user=user, display_name=display_name, bio=bio)
    return user
