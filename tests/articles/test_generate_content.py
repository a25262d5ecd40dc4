"""The synthetic content generator used for benchmarks."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import RELATED_KEPT, Article, RelatedArticle, SearchDocument
from articles.search import search

pytestmark = pytest.mark.django_db


def generate(count: int, batch: int = 1000, seed: int = 7) -> int:
    """The number of queries the command ran, history's inserts aside (see below)."""
    with CaptureQueriesContext(connection) as queries:
        call_command(
            "generate_content",
            "--articles", count, "--batch", batch, "--seed", seed, stdout=StringIO(),
        )  # fmt: skip
    return sum(not is_version_insert(query["sql"]) for query in queries)


def is_version_insert(sql: str) -> bool:
    # History's rows and the related-article choices (8 per article) are counted apart: on
    # SQLite, whose statements take at most 999 parameters, they come in chunks that grow
    # with the rows, a statement per 30-140 articles, never one per article.
    return sql.startswith(
        ('INSERT INTO "reversion_version"', 'INSERT INTO "articles_relatedarticle"')
    )


def version_inserts(count: int, batch: int, seed: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        call_command(
            "generate_content",
            "--articles", count, "--batch", batch, "--seed", seed, stdout=StringIO(),
        )  # fmt: skip
    return sum(query["sql"].startswith('INSERT INTO "reversion_version"') for query in queries)


def test_related_articles_are_chosen_for_every_generated_article_in_bulk():
    generate(10, seed=1)
    with CaptureQueriesContext(connection) as queries:
        call_command("generate_content", "--articles", 160, "--seed", 5, stdout=StringIO())
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    chosen = RelatedArticle.objects.values("article").distinct().count()
    # Every published article with a link chose (generated articles always have links).
    assert chosen == published.count()
    inserts = sum(
        query["sql"].startswith('INSERT INTO "articles_relatedarticle"')
        for query in queries.captured_queries
    )
    assert inserts <= published.count() * RELATED_KEPT / 30


def indexed() -> int:
    if connection.vendor == "postgresql":
        return SearchDocument.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_search")
        return cursor.fetchone()[0]


def test_generated_articles_are_complete_varied_and_searchable():
    generate(120)
    articles = Article.objects.all()
    assert articles.count() == 120
    assert articles.filter(status=Article.Status.DRAFT).exists()
    assert articles.published().count() > 100
    assert not articles.filter(countries=None).exists()
    assert not articles.filter(cooperation_areas=None).exists()
    assert not articles.filter(tags=None).exists()
    assert not articles.filter(author=None).exists()
    assert len(set(articles.values_list("title", flat=True))) > 60
    assert min(len(body.split()) for body in articles.values_list("body", flat=True)) > 50
    assert indexed() == 120
    topic = articles.published().first().tags.first().name
    assert len(search(f'"{topic}"')) > 0


def test_inserts_are_bulk_so_queries_barely_grow_with_the_number_of_articles():
    generate(10, seed=1)  # creates the taxonomy, tags and authors once
    small = generate(40, batch=40, seed=2)
    large = generate(160, batch=160, seed=3)
    # SQLite caps the parameters of one statement, so its inserts come in chunks: the
    # maintained counts' keys (about 70 per article, with its (country, area, tag) and month
    # keys) grow with the articles' distinct links, a few hundred keys a statement. One query
    # per article would add 120.
    assert large - small < (160 - 40) / 4
    assert Article.objects.count() == 210
    assert Article.objects.values("slug").distinct().count() == 210


def test_first_revisions_are_inserted_in_bulk_too():
    generate(10, seed=1)
    # About a dozen version rows per article (it, its links, its tags): one statement on
    # PostgreSQL, chunks of 142 rows (999 parameters) on SQLite, never one per article.
    assert version_inserts(160, batch=160, seed=4) <= 160 * 12 / 100


def test_nonsense_arguments_are_refused():
    with pytest.raises(CommandError):
        generate(0)
