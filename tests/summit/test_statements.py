"""`summit.statements.Statement`: a queryset compiled once, run again with new values."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Correction
from summit.statements import Statement
from tests.factories import make_article, make_scheduled

pytestmark = pytest.mark.django_db

SLUG = Article._meta.get_field("slug")
LANGUAGE = Article._meta.get_field("language")
PUBLISH_AT = Article._meta.get_field("publish_at")


def counting(build):
    """`build`, counting its calls."""

    def counted(*values):
        counted.calls += 1
        return build(*values)

    counted.calls = 0
    return counted


def by_slug(slug, now):
    return (
        Article.objects.published(now)
        .annotate(
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
            doubled=F("pk") * 2,
        )
        .filter(slug=slug)
    )


def test_rows_are_those_of_the_queryset_for_every_value():
    first = make_article("First story")
    second = make_article("Second story")
    Correction.objects.create(article=second, note="A date was wrong.")
    build = counting(by_slug)
    statement = Statement(build, SLUG, PUBLISH_AT)
    now = timezone.now()
    for article in (first, second, first):
        [found] = statement(article.slug, now)
        [expected] = by_slug(article.slug, now)
        assert type(found) is Article
        assert found.pk == expected.pk == article.pk
        assert found.title == expected.title
        assert found.publish_at == expected.publish_at  # converted as the queryset converts
        assert found.has_corrections is expected.has_corrections  # a bool on every database
        assert found.doubled == expected.doubled == 2 * article.pk
        assert found._state.adding is False
        assert found._state.db == "default"
    assert statement("no-such-slug", now) == []
    # Built once, with stand-ins; compiled once; run four times.
    assert build.calls == 1


def test_the_time_is_a_value_like_any_other():
    """A scheduled article appears once its time has come: the time is not compiled in."""
    scheduled = make_scheduled("Later", days_ahead=1)
    statement = Statement(by_slug, SLUG, PUBLISH_AT)
    assert statement(scheduled.slug, timezone.now()) == []
    [found] = statement(scheduled.slug, timezone.now() + timedelta(days=2))
    assert found.pk == scheduled.pk


def test_one_query_each_run():
    article = make_article("Counted")
    statement = Statement(by_slug, SLUG, PUBLISH_AT)
    statement(article.slug, timezone.now())
    with CaptureQueriesContext(connection) as queries:
        statement(article.slug, timezone.now())
    assert len(queries) == 1


def test_a_value_used_twice_is_replaced_everywhere():
    english = make_article("In English")
    make_article("По-русски", language="ru")

    def either(language):
        return Article.objects.filter(language=language) | Article.objects.filter(
            language=language, title__startswith="x"
        )

    statement = Statement(either, LANGUAGE)
    assert [article.pk for article in statement("en")] == [english.pk]
    assert {article.language for article in statement("ru")} == {"ru"}


def test_it_refuses_what_it_cannot_reuse():
    with pytest.raises(ValueError, match="does not compare"):
        Statement(lambda slug: Article.objects.all(), SLUG)("anything")
    with pytest.raises(ValueError, match="does not compare"):
        # Made into a LIKE pattern, the value is not a parameter as it was given.
        Statement(lambda slug: Article.objects.filter(title__startswith=slug), SLUG)("x")
    with pytest.raises(ValueError, match="related lookups"):
        Statement(lambda slug: Article.objects.select_related("author").filter(slug=slug), SLUG)(
            "x"
        )
    with pytest.raises(ValueError, match="related lookups"):
        Statement(lambda slug: Article.objects.filter(slug=slug).values("pk"), SLUG)("x")
