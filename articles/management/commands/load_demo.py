"""Load the demo publication: countries, cooperation areas and original articles.

Idempotent: rows are matched by slug and only missing ones are created, so running it again
changes nothing and never overwrites an editor's changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from countries.models import CooperationArea, Country

COUNTRIES_FILE = settings.BASE_DIR / "countries" / "demo" / "countries.json"
AREAS_FILE = settings.BASE_DIR / "countries" / "demo" / "areas.json"
ARTICLES_DIR = settings.BASE_DIR / "articles" / "demo"

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


class Command(BaseCommand):
    help = "Load demo countries, cooperation areas and articles (safe to run repeatedly)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        created_countries = self.load_countries()
        created_areas = self.load_areas()
        created_articles = self.load_articles()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {created_countries} countries, {created_areas} areas and "
                f"{created_articles} articles created "
                f"({Article.objects.count()} articles in total)."
            )
        )

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
            if demo.slug in existing:
                continue
            article = Article.objects.create(
                title=demo.title,
                slug=demo.slug,
                dek=demo.dek,
                byline=demo.byline,
                body=demo.body,
                featured=demo.featured,
                status=Article.Status.DRAFT if demo.status == "draft" else Article.Status.PUBLISHED,
                publish_at=now - timedelta(days=demo.days_ago),
            )
            try:
                article.countries.set([countries[slug] for slug in demo.countries])
                article.cooperation_areas.set([areas[slug] for slug in demo.areas])
            except KeyError as error:
                raise CommandError(f"{path.name}: unknown country or area {error}") from None
            article.tags.set(demo.tags)
            created += 1
        return created
