"""Load the demo publication: countries, cooperation areas, original articles, their
Japanese and Russian translations, and their authors.

Idempotent: rows are matched by slug (translations by original and language) and only missing
ones are created, so running it again changes nothing and never overwrites an editor's
changes; a country's or area's Japanese and Russian texts are filled only where still empty.
Articles are written through `Article.save_revision`, so each starts with a revision and its
first edit can be undone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from articles.models import Article, AuthorProfile, Tag, record_revision
from countries.models import CooperationArea, Country

COUNTRIES_FILE = settings.BASE_DIR / "countries" / "demo" / "countries.json"
AREAS_FILE = settings.BASE_DIR / "countries" / "demo" / "areas.json"
ARTICLES_DIR = settings.BASE_DIR / "articles" / "demo"
AUTHORS_FILE = ARTICLES_DIR / "authors.json"
# One file per translation: <original's file name>.<language>.md, header naming the original.
TRANSLATIONS_DIR = ARTICLES_DIR / "translations"

# The demo files give these in English as `name`, and per language as `name_ja`, `name_ru`.
TRANSLATED_FIELDS = ("name", "capital", "summary", "body")
TRANSLATION_LANGUAGES = ("ja", "ru")

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
TRANSLATION_HEADER_KEYS = {
    "translation_of", "language", "title", "slug", "dek", "tags", "hours_later",
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


@dataclass
class DemoTranslation:
    translation_of: str  # the original's slug
    language: str
    title: str
    slug: str
    dek: str
    tags: list[str]
    hours_later: int  # published this long after the original, never in the future
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


def read_demo_file(path: Path, required: set[str]) -> tuple[dict[str, str], str]:
    """A demo file's `key: value` header lines and its Markdown body, after a `---` line."""
    header_text, separator, body = path.read_text(encoding="utf-8").partition("\n---\n")
    if not separator:
        raise CommandError(f"{path.name}: no '---' line between header and body")
    header: dict[str, str] = {}
    for line in header_text.splitlines():
        key, _, value = line.partition(":")
        header[key.strip()] = value.strip()
    missing = required - header.keys()
    if missing:
        raise CommandError(f"{path.name}: missing {', '.join(sorted(missing))}")
    return header, body.strip() + "\n"


def parse_demo_article(path: Path) -> DemoArticle:
    header, body = read_demo_file(path, HEADER_KEYS)
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
        body=body,
    )


def parse_demo_translation(path: Path) -> DemoTranslation:
    header, body = read_demo_file(path, TRANSLATION_HEADER_KEYS)
    if header["language"] not in TRANSLATION_LANGUAGES:
        languages = ", ".join(TRANSLATION_LANGUAGES)
        raise CommandError(f"{path.name}: language must be one of {languages}")
    return DemoTranslation(
        translation_of=header["translation_of"],
        language=header["language"],
        title=header["title"],
        slug=header["slug"],
        dek=header["dek"],
        tags=_split_list(header["tags"]),
        hours_later=int(header["hours_later"]),
        body=body,
    )


def english_texts(entry: dict) -> dict[str, str]:
    """A demo country's or area's English name, summary and body, keyed by field (`name_en`)."""
    return {f"{field}_en": entry[field] for field in TRANSLATED_FIELDS if field in entry}


def translated_texts(entry: dict) -> dict[str, str]:
    """Its Japanese and Russian name, summary and body (`name_ja`…), those the file gives."""
    return {
        key: entry[key]
        for field in TRANSLATED_FIELDS
        for language in TRANSLATION_LANGUAGES
        if entry.get(key := f"{field}_{language}")
    }


def fill_missing_translations(row: Country | CooperationArea, entry: dict) -> bool:
    """Give a country or area the demo's Japanese and Russian texts where its own are empty.

    Saves only those fields, so nothing an editor wrote is touched. True if anything changed.
    """
    texts = {key: text for key, text in translated_texts(entry).items() if not getattr(row, key)}
    for key in [key for key in texts if key.startswith("name_")]:
        # Names are unique per language: leave out one that another row already has.
        if type(row).objects.filter(**{key: texts[key]}).exclude(pk=row.pk).exists():
            del texts[key]
    for key, text in texts.items():
        setattr(row, key, text)
    if texts:
        row.save(update_fields=list(texts))
    return bool(texts)


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
        # The demo files' plain `name`, `summary` and `body` are English: read and write the
        # translated fields in English, whatever language the caller left active.
        with translation.override(settings.LANGUAGE_CODE):
            self.load_countries()
            self.load_areas()
            self.load_articles()
            self.load_translations()
        after = _counts()
        summary = " · ".join(
            f"{label}: {after[label]} ({after[label] - before[label]} new)" for label in REPORTED
        )
        self.stdout.write(self.style.SUCCESS(f"Demo content ready. {summary}"))

    def load_countries(self) -> int:
        created, filled = 0, []
        for entry in json.loads(COUNTRIES_FILE.read_text(encoding="utf-8")):
            country, was_created = Country.objects.get_or_create(
                slug=entry["slug"],
                defaults={
                    **english_texts(entry),
                    **translated_texts(entry),
                    "code": entry["code"],
                    "role": entry["role"],
                    "capital": entry["capital"],
                    "aliases": "\n".join(entry["aliases"]),
                },
            )
            created += was_created
            if not was_created and fill_missing_translations(country, entry):
                filled.append(country)
        self.record_filled(filled)
        return created

    def load_areas(self) -> int:
        created, filled = 0, []
        for entry in json.loads(AREAS_FILE.read_text(encoding="utf-8")):
            area, was_created = CooperationArea.objects.get_or_create(
                slug=entry["slug"],
                defaults={
                    **english_texts(entry),
                    **translated_texts(entry),
                    "keywords": "\n".join(entry["keywords"]),
                    "position": entry["position"],
                },
            )
            created += was_created
            if not was_created and fill_missing_translations(area, entry):
                filled.append(area)
        self.record_filled(filled)
        return created

    @staticmethod
    def record_filled(rows: list[Country] | list[CooperationArea]) -> None:
        """One revision for the rows whose translations were filled, so their history shows it."""
        if rows:
            record_revision(rows, user=None, comment="Demo translations added")

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

    def load_translations(self) -> int:
        """Create the demo translations that are missing, each linked to its original.

        A translation is found by its original and language, so one an editor has retitled
        or moved to another slug still counts. It is published with its original (a little
        later, never before it nor in the future) and shares the story's countries and areas.
        """
        now = timezone.now()
        created = 0
        for path in sorted(TRANSLATIONS_DIR.glob("*.md")):
            demo = parse_demo_translation(path)
            original = (
                Article.objects.filter(slug=demo.translation_of, translation_of__isnull=True)
                .select_related("author")
                .first()
            )
            if original is None:
                raise CommandError(f"{path.name}: no original article “{demo.translation_of}”")
            if Article.objects.filter(translation_of=original, language=demo.language).exists():
                continue
            article = Article(
                language=demo.language,
                translation_of=original,
                title=demo.title,
                slug=demo.slug,
                dek=demo.dek,
                body=demo.body,
                byline=original.byline,
                author=original.author,
                featured=original.featured,
                status=original.status,
                publish_at=max(
                    original.publish_at,
                    min(original.publish_at + timedelta(hours=demo.hours_later), now),
                ),
                primary_country_id=original.primary_country_id,
                primary_area_id=original.primary_area_id,
            )
            try:
                article.full_clean()
            except ValidationError as error:
                raise CommandError(f"{path.name}: {'; '.join(error.messages)}") from None
            save_with_taxonomy(
                article,
                list(original.countries.all()),
                list(original.cooperation_areas.all()),
                demo.tags,
            )
            created += 1
        return created
