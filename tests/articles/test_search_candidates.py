"""What a search considers: the newest matches, visible now, in the page's language and
selection, ranked by where the words are, with facet counts over exactly those candidates.

On PostgreSQL the candidates come from the search documents alone, through copies of the
articles' visibility fields and links; these tests hold them to the articles' own rules.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.counts import count_links
from articles.facets import Selection
from articles.models import Article, SearchDocument
from articles.search_backends import postgres as postgres_search
from tests.factories import make_area, make_article, make_country, make_scheduled

pytestmark = pytest.mark.django_db


def titles(results) -> list[str]:
    return [article.title for article in results]


def test_a_scheduled_article_is_found_from_its_time_without_any_write():
    make_article("Uranium now", body="uranium")
    make_scheduled("Uranium later", days_ahead=2, body="uranium")
    assert titles(search.search("uranium")) == ["Uranium now"]
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert titles(search.search("uranium")) == ["Uranium later", "Uranium now"]


def test_unpublishing_through_a_bulk_update_drops_the_article_from_results_and_counts():
    kz = make_country("Kazakhstan")
    kept = make_article("Uranium kept", body="uranium", countries=[kz])
    dropped = make_article("Uranium dropped", body="uranium", countries=[kz])
    # QuerySet.update() sends no signal, as the admin's list actions write.
    Article.objects.filter(pk=dropped.pk).update(status=Article.Status.DRAFT)
    results = search.search("uranium")
    assert titles(results) == ["Uranium kept"]
    assert results.link_counts()["country"] == {kz.pk: 1}
    Article.objects.filter(pk=dropped.pk).update(publish_at=timezone.now() + timedelta(days=1))
    Article.objects.filter(pk=dropped.pk).update(status=Article.Status.PUBLISHED)
    assert titles(search.search("uranium")) == [kept.title]


def test_only_the_pages_language_is_searched_after_a_bulk_change_of_language():
    article = make_article("Uranium story", body="uranium")
    Article.objects.filter(pk=article.pk).update(language="ru")
    search.reindex([article.pk])  # its text is read the Russian way now
    assert titles(search.search("uranium", "en")) == []
    assert titles(search.search("uranium", "ru")) == ["Uranium story"]


def test_title_then_standfirst_or_tag_then_place_then_body_then_newest():
    mining = make_area("Uranium mining")
    make_article("Body newest", dek="", body="uranium", days_ago=1)
    make_article("Body older", dek="", body="uranium", days_ago=2)
    make_article("Place", dek="", body="nothing", areas=[mining], days_ago=3)
    make_article("Tag", dek="", body="nothing", tags=["Uranium"], days_ago=4)
    make_article("Standfirst", dek="On uranium.", body="nothing", days_ago=5)
    make_article("Uranium title", dek="", body="nothing", days_ago=6)
    assert titles(search.search("uranium")) == [
        "Uranium title",
        # Standfirst and tags weigh the same: newest first.
        "Tag",
        "Standfirst",
        "Place",
        "Body newest",
        "Body older",
    ]


def test_a_title_with_one_of_two_words_ranks_above_a_body_with_both():
    make_article("Water plans", dek="", body="quotas agreed", days_ago=5)
    make_article("Other plans", dek="", body="water quotas agreed", days_ago=1)
    assert titles(search.search("water quotas")) == ["Water plans", "Other plans"]


def test_more_matches_than_considered_keeps_the_newest_and_counts_them(monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan")
    for days in range(1, 6):
        make_article(f"Grid {days}", body="grid", countries=[kz if days % 2 else uz], days_ago=days)
    results = search.search("grid")
    assert results.is_truncated
    assert sorted(results.ranked_ids) == sorted(
        Article.objects.filter(title__in=["Grid 1", "Grid 2", "Grid 3"]).values_list(
            "pk", flat=True
        )
    )
    assert results.link_counts()["country"] == {kz.pk: 2, uz.pk: 1}


def test_facet_counts_are_those_of_the_links_of_exactly_the_results():
    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan")
    energy, water = make_area("Energy"), make_area("Water")
    make_article("A", body="grid", countries=[kz, uz], areas=[energy], tags=["Power"])
    make_article("B", body="grid", countries=[kz], areas=[water], tags=["Power", "Dams"])
    make_article("C", body="grid", countries=[uz], published=False, tags=["Dams"])
    make_article("D", body="other", countries=[kz], tags=["Power"])
    results = search.search("grid")
    matches = Article.objects.filter(pk__in=results.ranked_ids)
    assert results.link_counts() == count_links(matches, language="en")


def test_narrowing_by_country_area_and_tags_keeps_their_articles_only():
    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan")
    energy = make_area("Energy")
    both = make_article("Both", body="grid", countries=[kz], areas=[energy], tags=["Power", "Dams"])
    make_article("Other country", body="grid", countries=[uz], areas=[energy], tags=["Power"])
    make_article("One tag", body="grid", countries=[kz], areas=[energy], tags=["Power"])
    tags = tuple(both.tags.order_by("name"))
    within = Selection(tags=tags, country=kz, area=energy)
    assert titles(search.search("grid", within=within)) == ["Both"]
    assert titles(search.search("grid", within=Selection(country=uz))) == ["Other country"]


def test_search_page_facets_count_the_results(client):
    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan")
    make_article("A", body="grid", countries=[kz, uz])
    make_article("B", body="grid", countries=[kz])
    make_article("C", body="other", countries=[uz])
    response = client.get(reverse("articles:search"), {"q": "grid"})
    counts = {option.label: option.count for option in response.context["facets"].countries}
    assert counts == {"Kazakhstan": 2, "Uzbekistan": 1}


# PostgreSQL: the copies and the recent documents searched first ---------------------------


@pytest.mark.postgres
def test_postgres_documents_copy_visibility_and_links_and_follow_updates():
    kz = make_country("Kazakhstan")
    energy = make_area("Energy")
    article = make_article("Grid", body="pipelines", countries=[kz], areas=[energy], tags=["Power"])
    document = SearchDocument.objects.get(article=article)
    assert (document.language, document.status) == ("en", "published")
    assert document.publish_at == article.publish_at
    assert (document.countries, document.areas) == ([kz.pk], [energy.pk])
    assert document.tags == [article.tags.get().pk]
    assert "'grid'" in document.head and "'pipelin'" not in document.head
    assert "'pipelin'" in document.vector
    later = timezone.now() + timedelta(days=2)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT, publish_at=later)
    document.refresh_from_db()
    assert (document.status, document.publish_at) == ("draft", later)
    article.countries.clear()
    document.refresh_from_db()
    assert document.countries == []


@pytest.mark.postgres
@pytest.mark.parametrize("recent", [1, 4, 8, 100])
@pytest.mark.parametrize("text", ["grid", '"power grid"', "grid -coal"])
@pytest.mark.parametrize("margin", [0, 10**9], ids=["recent never first", "recent first"])
def test_postgres_recent_documents_first_give_the_newest_matches_overall(
    monkeypatch, recent, text, margin
):
    """However few documents count as recent, and whether or not the planner's estimate
    sends the search to them first, the candidates are the newest matches: the recent ones
    when enough of them match, otherwise all of them."""
    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    monkeypatch.setattr(postgres_search, "RECENT_DOCUMENTS", recent)
    monkeypatch.setattr(postgres_search, "ESTIMATE_MARGIN", margin)
    bodies = ["power grid", "grid power", "power grid coal", "power grid"]
    for days in range(1, 13):
        body = bodies[days % 4] if days % 3 else "nothing here"
        make_article(f"Story {days}", body=body, days_ago=days * 1.5)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    expected = {
        "grid": ["Story 1", "Story 2", "Story 4"],
        '"power grid"': ["Story 2", "Story 4", "Story 7"],
        "grid -coal": ["Story 1", "Story 4", "Story 5"],
    }[text]
    results = search.search(text)
    newest_first = Article.objects.filter(pk__in=results.ranked_ids).order_by("-publish_at")
    assert [article.title for article in newest_first] == expected
    assert results.is_truncated


@pytest.mark.postgres
def test_postgres_searches_the_recent_documents_first_only_for_words_expected_there():
    """The recent documents are read first when the planner expects them to hold enough
    matches (a word in every article), not for a word it expects in a handful."""
    for days in range(40):
        body = "power grid" + (" hydrogen" if days == 5 else "")
        make_article(f"Story {days}", body=body, days_ago=days)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    documents = f"SELECT 1 FROM {SearchDocument._meta.db_table} WHERE vector @@ "
    common = documents + "to_tsquery('english', 'grid')"
    rare = documents + "to_tsquery('english', 'hydrogen')"
    assert postgres_search._expects_enough(common, [], 20)
    assert not postgres_search._expects_enough(rare, [], 20)
