"""Load the demo publication: countries, cooperation areas, original articles and their authors.

Idempotent: rows are matched by slug and only missing ones are created, so running it again
changes nothing and never overwrites an editor's changes. Articles are written through
`Article.save_revision`, so each starts with a revision and its first edit can be undone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, AuthorProfile, Tag
from countries.models import CooperationArea, Country

COUNTRIES_FILE = settings.BASE_DIR / "countries" / "demo" / "countries.json"
AREAS_FILE = settings.BASE_DIR / "countries" / "demo" / "areas.json"
ARTICLES_DIR = settings.BASE_DIR / "articles" / "demo"
AUTHORS_FILE = ARTICLES_DIR / "authors.json"

# What the summary line reports, in this order. Counted before and after rather than as rows
# this run created: a fresh install already has the countries and areas (the seeding
# migration), and "0 countries created" read as if there were none.
REPORTED = {
    "Countries": Country,
    "Areas": CooperationArea,
    "Articles": Article,
    "Tags": Tag,
    "Authors": AuthorProfile,
}

HEADER_KEYS = {
    "title", "slug", "dek", "byline", "countries", "areas", "tags", "featured", "status",
    "days_ago",
}  # fmt: skip


@dataclass
class DemoArticle:
    title: str
    slug: str
    dek: str
    byline: str
    countries: list[str]
    areas: list[str]
    tags: list[str]
    featured: bool
    status: str
    days_ago: int
    body: str


@cache
def _demo_bios() -> dict[str, str]:
    return json.loads(AUTHORS_FILE.read_text(encoding="utf-8"))


def demo_author(byline: str):
    """The author account behind a demo byline, created with its profile when missing.

    Demo authors cannot sign in (unusable password); their username is the slugified byline.
    """
    if not byline:
        return None
    username = slugify(byline)
    first_name, _, last_name = byline.partition(" ")
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    AuthorProfile.objects.get_or_create(
        user=user, defaults={"display_name": byline, "bio": _demo_bios().get(byline, "")}
    )
    return user


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_demo_article(path: Path) -> DemoArticle:
    """Parse a demo file: `key: value` header lines, a `---` line, then the Markdown body."""
    header_text, separator, body = path.read_text(encoding="utf-8").partition("\n---\n")
    if not separator:
        raise CommandError(f"{path.name}: no '---' line between header and body")
    header: dict[str, str] = {}
    for line in header_text.splitlines():
        key, _, value = line.partition(":")
        header[key.strip()] = value.strip()
    missing = HEADER_KEYS - header.keys()
    if missing:
        raise CommandError(f"{path.name}: missing {', '.join(sorted(missing))}")
    return DemoArticle(
        title=header["title"],
        slug=header["slug"],
        dek=header["dek"],
        byline=header["byline"],
        countries=_split_list(header["countries"]),
        areas=_split_list(header["areas"]),
        tags=_split_list(header["tags"]),
        featured=header["featured"].lower() == "yes",
        status=header["status"],
        days_ago=int(header["days_ago"]),
        body=body.strip() + "\n",
    )


def save_with_taxonomy(
    article: Article, countries: list[Country], areas: list[CooperationArea], tags: list[str]
) -> None:
    """Save a new demo article with its taxonomy as one editorial write: its first revision."""

    def set_related() -> None:
        article.countries.set(countries)
        article.cooperation_areas.set(areas)
        article.tags.set(tags)

    article.save_revision(user=None, comment="Demo content", set_related=set_related)


def _counts() -> dict[str, int]:
    return {label: model.objects.count() for label, model in REPORTED.items()}


class Command(BaseCommand):
    help = "Load demo countries, cooperation areas and articles (safe to run repeatedly)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        before = _counts()
        self.load_countries()
        self.load_areas()
        self.load_articles()
        after = _counts()
        summary = " · ".join(
            f"{label}: {after[label]} ({after[label] - before[label]} new)" for label in REPORTED
        )
        self.stdout.write(self.style.SUCCESS(f"Demo content ready. {summary}"))

    def load_countries(self) -> int:
        created = 0
        for entry in json.loads(COUNTRIES_FILE.read_text(encoding="utf-8")):
            _, was_created = Country.objects.get_or_create(
                slug=entry["slug"],
                defaults={
                    "name": entry["name"],
                    "code": entry["code"],
                    "role": entry["role"],
                    "capital": entry["capital"],
                    "summary": entry["summary"],
                    "body": entry["body"],
                    "aliases": "\n".join(entry["aliases"]),
                },
            )
            created += was_created
        return created

    def load_areas(self) -> int:
        created = 0
        for entry in json.loads(AREAS_FILE.read_text(encoding="utf-8")):
            _, was_created = CooperationArea.objects.get_or_create(
                slug=entry["slug"],
                defaults={
                    "name": entry["name"],
                    "summary": entry["summary"],
                    "body": entry["body"],
                    "keywords": "\n".join(entry["keywords"]),
                    "position": entry["position"],
                },
            )
            created += was_created
        return created

    def load_articles(self) -> int:
        countries = {country.slug: country for country in Country.objects.all()}
        areas = {area.slug: area for area in CooperationArea.objects.all()}
        existing = set(Article.objects.values_list("slug", flat=True))
        now = timezone.now()
        created = 0
        for path in sorted(ARTICLES_DIR.glob("*.md")):
            demo = parse_demo_article(path)
            author = demo_author(demo.byline)
            if demo.slug in existing:
                # Demo articles loaded before authors existed get theirs; set ones stay.
                if author:
                    Article.objects.filter(
                        slug=demo.slug, author__isnull=True, byline=demo.byline
                    ).revise(user=None, comment="Demo author attached", author=author)
                continue
            article = Article(
                title=demo.title,
                slug=demo.slug,
                dek=demo.dek,
                byline=demo.byline,
                author=author,
                body=demo.body,
                featured=demo.featured,
                status=Article.Status.DRAFT if demo.status == "draft" else Article.Status.PUBLISHED,
                publish_at=now - timedelta(days=demo.days_ago),
            )
            try:
                article_countries = [countries[slug] for slug in demo.countries]
                article_areas = [areas[slug] for slug in demo.areas]
            except KeyError as error:
                raise CommandError(f"{path.name}: unknown country or area {error}") from None
            save_with_taxonomy(article, article_countries, article_areas, demo.tags)
            created += 1
        return created
