"""Related articles chosen on write (`RelatedArticle`) and read in one query."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    RELATED_KEPT,
    Article,
    RelatedArticle,
    related_articles,
)
from tests.factories import make_area, make_country, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    return {
        "kz": make_country("Kazakhstan"),
        "uz": make_country("Uzbekistan"),
        "energy": make_area("Energy"),
        "trade": make_area("Trade"),
    }


def write(title, *, countries=(), areas=(), tags=(), days_ago=1, status="published"):
    """An article written as editors write one: through `save_revision()`."""
    article = Article(
        title=title,
        dek=f"Standfirst of {title}",
        body=f"Body of {title}.",
        status=status,
        publish_at=timezone.now() - timedelta(days=days_ago),
    )

    def set_related():
        article.countries.set(countries)
        article.cooperation_areas.set(areas)
        article.tags.set(list(tags))

    article.save_revision(user=None, set_related=set_related)
    return article


def related(article, limit=4):
    return related_articles(article, "en", limit)


def live(article, limit=4):
    fresh = Article.objects.prefetch_related("tags", "countries", "cooperation_areas").get(
        pk=article.pk
    )
    return list(Article.objects.published().score_related(fresh, limit))


def link_shapes(places) -> list[tuple[list, list, list[str]]]:
    """(countries, areas, tags) of a small newsroom whose articles overlap in every way."""
    kz, uz, energy, trade = places.values()
    return [
        ([kz], [energy], ["uranium"]),
        ([uz], [trade], ["rail freight"]),
        ([kz, uz], [energy, trade], ["uranium", "rail freight"]),
        ([kz], [], ["JICA"]),
        ([uz], [energy], ["JICA", "uranium"]),
        ([kz, uz], [trade], []),
    ]


def test_written_articles_read_their_choice_in_one_query(places):
    kz, uz, energy = places["kz"], places["uz"], places["energy"]
    best = write("Best", countries=[kz, uz], areas=[energy], tags=["uranium"], days_ago=3)
    some = write("Some", countries=[kz], days_ago=2)
    write("Unrelated", days_ago=2)
    source = write("Source", countries=[kz, uz], areas=[energy], tags=["uranium", "JICA"])
    with CaptureQueriesContext(connection) as captured:
        chosen = related(source)
    assert chosen == [best, some]
    assert (chosen[0].score, chosen[0].shared) == (7, 4)
    assert len(captured) == 1
    assert chosen == live(source)


def test_a_story_published_later_joins_the_older_ones_list(places):
    kz, energy = places["kz"], places["energy"]
    old = write("Old", countries=[kz], areas=[energy], tags=["uranium"], days_ago=30)
    weak = write("Weak", countries=[kz], days_ago=20)
    assert related(old) == [weak]
    follow_up = write("Follow-up", countries=[kz], areas=[energy], tags=["uranium"])
    assert related(old) == [follow_up, weak]
    assert RelatedArticle.objects.filter(article=old, related=follow_up).exists()


def test_every_list_matches_live_scoring_when_all_are_written(places):
    # Few articles, so every candidate is offered every newcomer: the stored choice must be
    # exactly what scoring now would give, for every article, in order.
    shapes = link_shapes(places)
    written = [
        write(f"Piece {n}", countries=c, areas=a, tags=t, days_ago=40 - n)
        for n, (c, a, t) in enumerate(shapes * 2)
    ]
    for article in written:
        assert related(article, RELATED_KEPT) == live(article, RELATED_KEPT), article.title


def test_an_unpublished_article_leaves_every_list_at_once(places):
    kz = places["kz"]
    editor = make_user("desk")
    source = write("Source", countries=[kz], tags=["uranium"], days_ago=10)
    withdrawn = write("Withdrawn", countries=[kz], tags=["uranium"], days_ago=5)
    other = write("Other", countries=[kz], days_ago=4)
    assert related(source) == [withdrawn, other]
    withdrawn.unpublish(user=editor)
    assert related(source) == [other]
    assert not RelatedArticle.objects.filter(related=withdrawn).exists()
    assert not RelatedArticle.objects.filter(article=withdrawn).exists()


def test_a_list_left_short_is_chosen_again(places):
    kz = places["kz"]
    editor = make_user("desk")
    source = write("Source", countries=[kz], tags=["uranium"], days_ago=10)
    gone = write("Gone", countries=[kz], tags=["uranium"], days_ago=5)
    # Written behind the write path (a plain save and link), so no list knows of it yet.
    hidden = Article.objects.create(
        title="Quiet", status="published", publish_at=timezone.now() - timedelta(days=3)
    )
    hidden.countries.set([kz])
    assert related(source) == [gone]
    Article.objects.filter(pk=gone.pk).delete_with_history(user=editor)
    # Source's list fell below a page's worth, so it was chosen again, finding the quiet one.
    assert related(source) == [hidden]


def test_a_scheduled_article_is_chosen_but_shown_only_from_its_time(places):
    kz = places["kz"]
    source = write("Source", countries=[kz], tags=["uranium"], days_ago=10)
    scheduled = write("Tomorrow", countries=[kz], tags=["uranium"], days_ago=-1)
    assert RelatedArticle.objects.filter(article=source, related=scheduled).exists()
    assert related(source) == []
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert related(source) == [scheduled]


def test_changing_links_chooses_again(places):
    kz, uz = places["kz"], places["uz"]
    editor = make_user("desk")
    source = write("Source", countries=[kz], tags=["uranium"], days_ago=10)
    match = write("Match", countries=[kz], tags=["uranium"], days_ago=5)
    assert related(source) == [match]
    match = Article.objects.get(pk=match.pk)
    match.save_revision(
        user=editor, set_related=lambda: match.countries.set([uz]) or match.tags.set([])
    )
    assert related(source) == []
    assert not RelatedArticle.objects.filter(article=source).exists()


def test_lists_keep_only_the_best(places):
    kz = places["kz"]
    source = write("Source", countries=[kz], tags=["uranium"], days_ago=100)
    for n in range(RELATED_KEPT + 4):
        write(f"Newer {n}", countries=[kz], tags=["uranium"] if n % 2 else [], days_ago=50 - n)
    kept = RelatedArticle.objects.filter(article=source)
    assert kept.count() == RELATED_KEPT
    # The ones sharing the tag (score 4) all made it; the country-only ones fill the rest.
    assert {row.score for row in kept}.issuperset({4})
    assert related(source, RELATED_KEPT) == live(source, RELATED_KEPT)


def test_a_bulk_write_over_the_limit_falls_back_to_live_scoring_until_rebuilt(places, monkeypatch):
    import articles.models as models

    kz = places["kz"]
    editor = make_user("desk")
    monkeypatch.setattr(models, "RELATED_REFRESH_LIMIT", 2)
    first = write("First", countries=[kz], days_ago=3)
    second = write("Second", countries=[kz], days_ago=2)
    third = write("Third", countries=[kz], days_ago=1)
    Article.objects.filter(pk__in=[first.pk, second.pk, third.pk]).revise(
        user=editor, comment="Bulk"
    )
    assert not RelatedArticle.objects.filter(article__in=[first, second, third]).exists()
    # Still shown, scored as the page is read.
    assert related(first) == [third, second]
    call_command("rebuild_related", stdout=open("/dev/null", "w"))
    assert RelatedArticle.objects.filter(article=first).count() == 2
    assert related(first) == [third, second]


def test_the_article_page_shows_the_stored_choice(client, places):
    kz = places["kz"]
    source = write("Source piece", countries=[kz], tags=["uranium"], days_ago=3)
    write("Sibling piece", countries=[kz], tags=["uranium"], days_ago=2)
    # Created behind the write path, so no stored list knows of it: a page scoring live
    # would show it, one reading the stored choice does not.
    late = Article.objects.create(
        title="Late arrival",
        status="published",
        publish_at=timezone.now() - timedelta(hours=1),
    )
    late.countries.set([kz])
    late.tags.set(["uranium"])
    response = client.get(reverse("articles:detail", kwargs={"slug": source.slug}))
    assert response.status_code == 200
    assert "Sibling piece" in response.text
    assert "Late arrival" not in response.text


def test_rebuild_chooses_what_live_scoring_would_for_every_article(places, monkeypatch):
    import articles.models as models

    # Small windows, so that which articles are candidates at all matters, as at 100,000.
    monkeypatch.setattr(models, "RELATED_CANDIDATES", {"tag": 3, "area": 2, "country": 2})
    shapes = link_shapes(places)
    written = []
    for n, (countries, areas, tags) in enumerate(shapes * 3):
        article = Article.objects.create(
            title=f"Piece {n}",
            status="draft" if n % 7 == 3 else "published",
            language="ja" if n % 5 == 4 else "en",
            publish_at=timezone.now() - timedelta(days=60 - n),
        )
        article.countries.set(countries)
        article.cooperation_areas.set(areas)
        article.tags.set(tags)
        written.append(article)
    assert RelatedArticle.objects.rebuild() == Article.objects.filter(status="published").count()
    for article in written:
        stored = list(
            RelatedArticle.objects.filter(article=article)
            .order_by("-score", "-related__publish_at", "-related")
            .values_list("related", "score", "shared")
        )
        fresh = Article.objects.prefetch_related("tags", "countries", "cooperation_areas").get(
            pk=article.pk
        )
        expected = (
            []
            if article.status == "draft"
            else Article.objects.filter(status="published").related_scores(fresh, RELATED_KEPT)
        )
        assert stored == expected, article.title


def test_an_article_page_asks_only_what_it_shows(client, settings, places):
    """Three queries: the article, its related articles, and the links of all of them
    (countries, areas and tags, for the chips and the kickers). None for corrections or
    translations when it has none, none for scoring related articles, and none for the
    countries and areas themselves, which each process reads once per content generation."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    kz, energy = places["kz"], places["energy"]
    write("Sibling", countries=[kz], areas=[energy], tags=["uranium"], days_ago=2)
    source = write("Source", countries=[kz], areas=[energy], tags=["uranium"])
    url = reverse("articles:detail", kwargs={"slug": source.slug})
    client.get(url)  # the shared counts and the content generation, cached once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert "Sibling" in response.text
    assert len(captured) == 3, "\n".join(q["sql"][:120] for q in captured)
    assert not [q for q in captured if q["sql"].startswith('SELECT "articles_correction"')]

    # With a correction and a translation, each costs its one query, and both show.
    from articles.models import Correction

    Correction.objects.create(article=source, kind="correction", note="A date was wrong.")
    Article.objects.create(
        title="Source in Japanese",
        language="ja",
        translation_of=source,
        status="published",
        publish_at=source.publish_at,
    )
    client.get(url)  # the writes moved the content generation
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert "A date was wrong." in response.text
    assert 'hreflang="ja"' in response.text
    assert len(captured) == 5
