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
