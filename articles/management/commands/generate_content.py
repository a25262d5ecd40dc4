"""Create many realistic synthetic articles quickly, for benchmarks and load tests.

    python manage.py generate_content --articles 100000

Articles are written from sentence templates about the region's countries, capitals and
cooperation areas, spread over several years, mostly published (some drafts, some
scheduled), each with countries, areas, tags and an author. Everything is inserted with
bulk operations in batches, then indexed for search batch by batch. Each article gets its
first revision (`ArticleQuerySet.record_initial_revisions`, also in bulk), so History can
undo its first edit. At the end every published article's related articles are chosen
(`RelatedArticle.objects.rebuild()`, about two minutes for 100,000).
"""

from __future__ import annotations

import random
import string
import time
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import search
from articles.management.commands.load_demo import Command as LoadDemo
from articles.models import (
    Article,
    ArticleArea,
    ArticleCountry,
    AuthorProfile,
    LinkTally,
    RelatedArticle,
    Tag,
    TaggedArticle,
)
from countries.models import CooperationArea, Country

FIRST_NAMES = [
    "Aibek", "Aigul", "Akira", "Alisher", "Anna", "Asel", "Bakhtiyor", "Dana", "Emi", "Farida",
    "Gulnara", "Hiroshi", "Ilyas", "Jamshid", "Kaito", "Lola", "Madina", "Nurlan", "Olga",
    "Rustam", "Saule", "Takeshi", "Yerlan", "Zarina",
]  # fmt: skip
LAST_NAMES = [
    "Abdullaev", "Akhmetova", "Fujita", "Ibragimov", "Kasymova", "Kobayashi", "Mamytov",
    "Nakamura", "Nurmagambetov", "Rashidova", "Sato", "Tashkentova", "Umarov", "Watanabe",
]  # fmt: skip
TOPICS = [
    "rare earths", "uranium exports", "green hydrogen", "rail freight", "Caspian shipping",
    "water quotas", "irrigation reform", "solar parks", "wind power", "grid links",
    "engineering colleges", "medical training", "early warning systems", "seismic codes",
    "border security", "customs reform", "digital payments", "cotton processing",
    "copper smelting", "gas pipelines", "student exchanges", "language schools", "tourism visas",
    "development loans", "special economic zones", "logistics hubs", "glacier monitoring",
    "hospital equipment", "vocational training", "satellite data", "fibre-optic cables",
]  # fmt: skip
TITLE_TEMPLATES = [
    "{country} bets on {topic} as {partner} watches",
    "Why {topic} matter more to {country} than ever",
    "{capital} and Tokyo edge closer on {topic}",
    "{country}'s {topic}: promises, numbers and doubts",
    "What {partner} wants from {country}'s {topic}",
    "Inside {country}'s push for {topic}",
    "{topic} and the new geometry of {region} diplomacy",
    "A quiet deal on {topic} in {capital}",
    "Can {country} turn {topic} into jobs?",
    "{region} summit puts {topic} on the table",
]  # fmt: skip
DEK_TEMPLATES = [
    "Officials in {capital} say {topic} could reshape ties with Japan; critics point to costs.",
    "{country} is courting investors for {topic}. Japan, {partner} and others are listening.",
    "The numbers behind {topic} in {country}, and what they mean for the region.",
    "A look at how {keyword} links {country} and Japan, and where it could go next.",
]  # fmt: skip
SENTENCES = [
    "Officials in {capital} described {topic} as a priority for the coming decade.",
    "Japanese partners have offered financing and expertise for {keyword}.",
    "{partner} remains an important player, and {country} is careful to balance its ties.",
    "Analysts note that {keyword} depends on stable rules and predictable institutions.",
    "A delegation from Tokyo visited {capital} to discuss {topic} and {keyword}.",
    "Local businesses say the benefits of {topic} have been slow to arrive.",
    "The government has set targets for {keyword} that many experts consider ambitious.",
    "Regional cooperation on {topic} has improved since leaders began meeting more often.",
    "Financing remains the main obstacle, and {country} is looking beyond {partner}.",
    "Training programmes backed by Japan aim to build skills in {keyword}.",
    "Neighbouring states are watching {country}'s experience with {topic} closely.",
    "The {region} format gives smaller states a louder voice on {keyword}.",
    "Critics warn that {topic} could deepen dependence on a single partner.",
    "Independent data on {keyword} is scarce, which makes forecasts difficult.",
    "Universities in {capital} have opened new courses linked to {topic}.",
    "Transport costs still shape what is possible for {keyword} across the region.",
]  # fmt: skip
HEADINGS = ["Background", "What changed", "The numbers", "Who gains", "Risks", "What next"]
REGION = "Central Asia + Japan"


@dataclass
class Vocabulary:
    central_asia: list[Country]
    partners: list[Country]
    areas: list[CooperationArea]
    tags: list[Tag]
    authors: list


class Command(BaseCommand):
    help = "Create N synthetic articles with bulk inserts (for benchmarks), then index them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, required=True, help="How many to create.")
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")
        parser.add_argument("--batch", type=int, default=2000, help="Rows per bulk insert.")
        parser.add_argument(
            "--years", type=int, default=6, help="Spread publish dates over this many years."
        )

    def handle(self, *args, articles: int, seed: int, batch: int, years: int, **options) -> None:
        if articles < 1 or batch < 1 or years < 1:
            raise CommandError("--articles, --batch and --years must be positive.")
        rng = random.Random(seed)
        started = time.monotonic()
        vocabulary = self.vocabulary(rng)
        # A per-run prefix keeps slugs unique when the command runs more than once.
        run = "".join(rng.choices(string.ascii_lowercase + string.digits, k=5))
        created = 0
        while created < articles:
            size = min(batch, articles - created)
            with transaction.atomic():
                self.create_batch(rng, vocabulary, run, created, size, years)
            created += size
            self.stdout.write(f"  {created:,} / {articles:,} ({time.monotonic() - started:.0f} s)")
        # Once at the end rather than per batch: every article then chooses among all the
        # others, as `rebuild_related` would.
        chosen_at = time.monotonic()
        RelatedArticle.objects.rebuild()
        self.stdout.write(f"  related articles chosen ({time.monotonic() - chosen_at:.0f} s)")
        with connection.cursor() as cursor:
            # Fresh statistics: without them the planner still takes the tables for small
            # and picks plans that are slow at this size.
            cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Created and indexed {articles:,} articles in {time.monotonic() - started:.1f} s "
                f"({Article.objects.count():,} articles in total)."
            )
        )

    def vocabulary(self, rng: random.Random) -> Vocabulary:
        loader = LoadDemo(stdout=self.stdout, stderr=self.stderr)
        loader.load_countries()
        loader.load_areas()
        countries = list(Country.objects.all())
        central_asia = [c for c in countries if c.role == Country.Role.CENTRAL_ASIA]
        areas = list(CooperationArea.objects.all())
        if not central_asia or not areas:
            raise CommandError("No Central Asian countries or cooperation areas to write about.")
        return Vocabulary(
            central_asia=central_asia,
            partners=[c for c in countries if c.role != Country.Role.CENTRAL_ASIA],
            areas=areas,
            tags=self.ensure_tags(areas),
            authors=self.ensure_authors(rng),
        )

    def ensure_tags(self, areas: list[CooperationArea]) -> list[Tag]:
        names = {name.lower(): name for name in TOPICS}
        for area in areas:
            names.update((keyword.lower(), keyword) for keyword in area.keyword_list[:6])
        existing = {tag.name.lower() for tag in Tag.objects.filter(name__in=names.values())}
        missing = [name for key, name in names.items() if key not in existing]
        taken = set(Tag.objects.values_list("slug", flat=True))
        new_tags = []
        for name in missing:
            tag = Tag(name=name, slug=Tag().slugify(name))
            if tag.slug in taken:
                tag.slug = f"{tag.slug}-{len(taken)}"
            taken.add(tag.slug)
            new_tags.append(tag)
        Tag.objects.bulk_create(new_tags, ignore_conflicts=True)
        return list(Tag.objects.filter(name__in=names.values()))

    def ensure_authors(self, rng: random.Random) -> list:
        user_model = get_user_model()
        wanted = {
            f"writer-{number:02d}": (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            for number in range(1, 25)
        }
        existing = set(
            user_model.objects.filter(username__in=wanted).values_list("username", flat=True)
        )
        new_users = []
        for username, (first, last) in wanted.items():
            if username not in existing:
                user = user_model(username=username, first_name=first, last_name=last)
                user.set_unusable_password()
                new_users.append(user)
        user_model.objects.bulk_create(new_users)
        authors = list(user_model.objects.filter(username__in=wanted))
        with_profile = set(
            AuthorProfile.objects.filter(user__in=authors).values_list("user_id", flat=True)
        )
        AuthorProfile.objects.bulk_create(
            AuthorProfile(
                user=author,
                display_name=author.get_full_name(),
                bio=f"{author.get_full_name()} writes about the region for Summit.",
            )
            for author in authors
            if author.pk not in with_profile
        )
        return authors

    def create_batch(
        self, rng: random.Random, vocab: Vocabulary, run: str, offset: int, size: int, years: int
    ) -> None:
        now = timezone.now()
        articles, links = [], []
        for number in range(offset, offset + size):
            countries = rng.sample(vocab.central_asia, rng.choice([1, 1, 2, 3]))
            if rng.random() < 0.7:
                countries += rng.sample(vocab.partners, rng.choice([1, 1, 2]))
            areas = rng.sample(vocab.areas, rng.choice([1, 1, 2, 3]))
            tags = rng.sample(vocab.tags, rng.randint(2, 5))
            article = self.write(rng, countries, areas, tags)
            article.slug = f"{slugify(article.title)[:190].strip('-')}-{run}{number}"
            article.author = rng.choice(vocab.authors)
            article.byline = article.author.get_full_name()
            roll = rng.random()
            if roll < 0.03:
                article.status = Article.Status.DRAFT
                article.publish_at = now - timedelta(days=rng.uniform(0, 30))
            elif roll < 0.05:
                article.status = Article.Status.PUBLISHED
                article.publish_at = now + timedelta(days=rng.uniform(0.5, 30))
            else:
                article.status = Article.Status.PUBLISHED
                article.publish_at = now - timedelta(days=rng.uniform(0, 365 * years))
            article.featured = rng.random() < 0.01
            articles.append(article)
            links.append((countries, areas, tags))
        Article.objects.bulk_create(articles)
        if any(article.pk is None for article in articles):
            slugs = {article.slug: article for article in articles}
            for pk, slug in Article.objects.filter(slug__in=slugs).values_list("pk", "slug"):
                slugs[slug].pk = pk
        ArticleCountry.objects.bulk_create(
            ArticleCountry(article_id=article.pk, country=country)
            for article, (countries, _, _) in zip(articles, links, strict=True)
            for country in countries
        )
        ArticleArea.objects.bulk_create(
            ArticleArea(article_id=article.pk, area=area)
            for article, (_, areas, _) in zip(articles, links, strict=True)
            for area in areas
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object_id=article.pk, tag=tag)
            for article, (_, _, tags) in zip(articles, links, strict=True)
            for tag in tags
        )
        Article.objects.filter(
            pk__in=[article.pk for article in articles]
        ).record_initial_revisions(comment="Generated content")
        search.reindex([article.pk for article in articles])
        # bulk_create sends no signals: count the new articles' links here.
        LinkTally.objects.sync([article.pk for article in articles])

    def write(self, rng: random.Random, countries, areas, tags) -> Article:
        """An article's title, standfirst and Markdown body about these countries and areas."""
        country = countries[0]
        partners = [c for c in countries[1:] if c.role != Country.Role.CENTRAL_ASIA]
        keywords = [keyword for area in areas for keyword in area.keyword_list] or [
            area.name.lower() for area in areas
        ]
        words = {
            "country": country.name,
            "capital": country.capital or country.name,
            "partner": (partners or [rng.choice(countries)])[0].name,
            "topic": rng.choice([tag.name for tag in tags]),
            "keyword": rng.choice(keywords),
            "region": REGION,
        }

        def fill(template: str) -> str:
            words["keyword"] = rng.choice(keywords)
            return template.format(**words)

        title = fill(rng.choice(TITLE_TEMPLATES))
        title = title[0].upper() + title[1:]
        paragraphs = []
        for section in range(rng.randint(3, 6)):
            if section and rng.random() < 0.5:
                paragraphs.append(f"## {rng.choice(HEADINGS)}")
            for _ in range(rng.randint(1, 3)):
                sentences = [fill(rng.choice(SENTENCES)) for _ in range(rng.randint(3, 6))]
                paragraphs.append(" ".join(sentences))
        article = Article(
            title=title,
            dek=fill(rng.choice(DEK_TEMPLATES)),
            body="\n\n".join(paragraphs) + "\n",
        )
        # bulk_create skips save(), which renders the body for pages to show.
        article.store_rendered_body()
        return article
