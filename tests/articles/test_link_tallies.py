"""The maintained counts always equal a count over the link tables, in every language,
whatever wrote the change."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from articles.counts import (
    _country_area_counts,
    _tag_counts_by_place,
    count_links,
    country_area_counts,
    link_counts,
    places_with_tag,
    selection_count,
    tags_in_place,
)
from articles.models import TALLY_KINDS, Article, ArticleTally, LinkTally, Tag
from articles.tags import delete_tags, merge_tags
from summit.cache import bump_content_generation
from tests.factories import make_area, make_article, make_country, make_editor, make_scheduled

pytestmark = pytest.mark.django_db


LANGUAGES = ("en", "ja", "ru")


def counted_from_links(language: str) -> dict[str, dict]:
    """The reference: the same counts grouped over every link row of published articles in
    `language`."""
    links = count_links(language=language)
    pairs = _country_area_counts(language)
    by_place = _tag_counts_by_place(language)
    return {
        "total": {0: Article.objects.published().in_language(language).count()}
        if Article.objects.published().in_language(language).exists()
        else {},
        "country": links["country"],
        "area": links["area"],
        "tag": links["tag"],
        "country-area": pairs,
        "country-tag": pairs_of(by_place["country"]),
        "area-tag": pairs_of(by_place["area"]),
        "tag-tag": {
            (tag, other): n
            for tag in links["tag"]
            for other, n in count_links(
                Article.objects.published().filter(tags__pk=tag), kinds=("tag",), language=language
            )["tag"].items()
            if other != tag
        },
        "country-area-tag": {
            (country, area, tag): n
            for country, area in pairs
            for tag, n in count_links(
                Article.objects.published()
                .filter(countries=country)
                .filter(cooperation_areas=area),
                kinds=("tag",),
                language=language,
            )["tag"].items()
        },
        # Months grouped by the database in the site's time zone (TruncMonth).
        "month": months_of(Article.objects.published().in_language(language)),
        "country-month": months_by_place(language, "countries", links["country"]),
        "area-month": months_by_place(language, "cooperation_areas", links["area"]),
    }


def months_by_place(language: str, relation: str, places) -> dict[tuple[int, int], int]:
    published = Article.objects.published().in_language(language)
    return {
        (place, month): n
        for place in places
        for month, n in months_of(published.filter(**{relation: place})).items()
    }


def months_of(articles) -> dict[int, int]:
    return {year * 100 + month: n for (year, month), n in articles.monthly_counts().items()}


def pairs_of(by_place: dict[int, dict[int, int]]) -> dict[tuple[int, int], int]:
    return {(place, tag): n for place, tags in by_place.items() for tag, n in tags.items()}


def assert_counts_match() -> None:
    for language in LANGUAGES:
        maintained = LinkTally.objects.counts(TALLY_KINDS, language=language)
        expected = counted_from_links(language)
        for kind in TALLY_KINDS:
            assert dict(maintained.get(kind, {})) == expected[kind], (language, kind)


@pytest.fixture
def desk():
    kz, uz, jp = make_country("Kazakhstan"), make_country("Uzbekistan"), make_country("Japan")
    energy, trade = make_area("Energy"), make_area("Trade")
    articles = [
        make_article("Uranium", countries=[kz, jp], areas=[energy], tags=["uranium", "jica"]),
        make_article("Cotton", countries=[uz], areas=[trade], tags=["cotton"]),
        make_article("Grid", countries=[kz, uz], areas=[energy, trade], tags=["jica"]),
        make_article("Draft", countries=[kz], areas=[energy], tags=["secret"], published=False),
    ]
    return {"kz": kz, "uz": uz, "jp": jp, "energy": energy, "trade": trade, "articles": articles}


def test_created_articles_and_their_links_are_counted(desk):
    assert_counts_match()
    assert link_counts()["country"][desk["kz"].pk] == 2
    assert country_area_counts()[(desk["uz"].pk, desk["trade"].pk)] == 2
    jica = Tag.objects.get(name="jica")
    assert tags_in_place("country", desk["kz"].pk)[jica.pk] == 2
    assert places_with_tag(jica.pk) == {
        "country": {desk["kz"].pk: 2, desk["jp"].pk: 1, desk["uz"].pk: 1},
        "area": {desk["energy"].pk: 2, desk["trade"].pk: 1},
    }


def test_each_places_tags_and_each_tags_places_match_the_link_tables(desk, languages):
    for language in LANGUAGES:
        by_place = _tag_counts_by_place(language)
        for kind in ("country", "area"):
            for place in {*by_place[kind], desk["uz"].pk, desk["trade"].pk}:
                assert tags_in_place(kind, place, language) == by_place[kind].get(place, {})
        for tag in Tag.objects.values_list("pk", flat=True):
            assert places_with_tag(tag, language) == {
                kind: {place: tags[tag] for place, tags in by_place[kind].items() if tag in tags}
                for kind in ("country", "area")
            }


def test_a_place_and_a_tag_are_counted_from_the_places_tags(desk):
    jica = Tag.objects.get(name="jica").pk
    assert selection_count(country=desk["kz"].pk, tags=[jica]) == 2
    assert selection_count(country=desk["uz"].pk, tags=[jica]) == 1
    assert selection_count(area=desk["trade"].pk, tags=[jica]) == 1
    assert selection_count(area=desk["trade"].pk, tags=[Tag.objects.get(name="uranium").pk]) == 0


def test_tags_are_counted_per_country_or_area_only(desk):
    with pytest.raises(ValueError, match="per country or area"):
        tags_in_place("tag", desk["kz"].pk)


def test_links_changed_from_either_side_move_the_counts(desk):
    uranium, cotton, grid, _ = desk["articles"]
    uranium.countries.remove(desk["jp"])
    cotton.tags.add("energy-security")
    desk["energy"].articles.add(cotton)  # from the area's side
    desk["uz"].articles.clear()  # from the country's side
    grid.tags.clear()
    assert_counts_match()


def test_publishing_unpublishing_and_bulk_status_changes_move_the_counts(desk):
    editor = make_editor()
    uranium, cotton, grid, draft = desk["articles"]
    draft.publish(user=editor)
    assert_counts_match()
    assert link_counts()["tag"][Tag.objects.get(name="secret").pk] == 1
    uranium.unpublish(user=editor)
    assert_counts_match()
    Article.objects.filter(pk__in=[cotton.pk, grid.pk]).revise(
        user=editor, comment="Withdrawn", status=Article.Status.DRAFT
    )
    assert_counts_match()
    assert link_counts()["country"] == {desk["kz"].pk: 1}


def test_a_scheduled_article_counts_from_its_time_with_nothing_saved(desk):
    make_scheduled("Later", countries=[desk["jp"]], tags=["hydrogen"], days_ahead=1)
    assert link_counts()["country"][desk["jp"].pk] == 1
    assert "hydrogen" not in {t.name for t in Tag.objects.filter(pk__in=link_counts()["tag"])}
    assert_counts_match()
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        # The generation turns over at the scheduled time, so the counts are read afresh.
        assert link_counts()["country"][desk["jp"].pk] == 2
        assert "hydrogen" in {t.name for t in Tag.objects.filter(pk__in=link_counts()["tag"])}
        assert_counts_match()
        assert not ArticleTally.objects.filter(live=False).exists()


def test_rescheduling_a_live_article_takes_it_out_until_its_new_time(desk):
    uranium = desk["articles"][0]
    uranium.publish_at = timezone.now() + timedelta(hours=2)
    uranium.save()
    assert_counts_match()
    assert desk["jp"].pk not in link_counts()["country"]
    # Put off again before its time: it waits for the new time, not the old one.
    uranium.publish_at = timezone.now() + timedelta(hours=5)
    uranium.save()
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert desk["jp"].pk not in link_counts()["country"]
        assert_counts_match()
    with time_machine.travel(timezone.now() + timedelta(hours=6)):
        assert link_counts()["country"][desk["jp"].pk] == 1
        assert_counts_match()


def test_deleting_merging_and_deleting_tags_move_the_counts(desk):
    editor = make_editor()
    _, cotton, grid, _ = desk["articles"]
    Article.objects.filter(pk=cotton.pk).delete_with_history(user=editor)
    assert_counts_match()
    merge_tags(Tag.objects.get(name="jica"), [Tag.objects.get(name="uranium")], user=editor)
    assert_counts_match()
    delete_tags(Tag.objects.filter(name="jica"), user=editor)
    assert_counts_match()
    grid.delete()
    assert_counts_match()


def test_rebuilding_gives_the_maintained_counts(desk):
    make_article("Genpatsu", language="ja", countries=[desk["jp"]], tags=["jica"])
    make_scheduled("Zavtra", language="ru", countries=[desk["kz"]], tags=["rail"])

    def every_language() -> dict[str, dict]:
        return {lang: LinkTally.objects.counts(TALLY_KINDS, language=lang) for lang in LANGUAGES}

    maintained = every_language()
    keys = dict(ArticleTally.objects.values_list("article_id", "keys"))
    assert LinkTally.objects.rebuild() == 4
    assert every_language() == maintained
    rebuilt = dict(ArticleTally.objects.values_list("article_id", "keys"))
    assert {pk: sorted(map(tuple, k)) for pk, k in rebuilt.items()} == {
        pk: sorted(map(tuple, k)) for pk, k in keys.items()
    }


def test_the_command_repairs_counts_changed_behind_the_sites_back(desk):
    LinkTally.objects.update(count=99)
    output = io.StringIO()
    call_command("rebuild_counts", stdout=output)
    assert "Counted 3 published articles" in output.getvalue()
    assert_counts_match()


def test_reading_the_counts_never_groups_the_link_tables(desk):
    for number in range(30):
        make_article(f"More {number}", countries=[desk["kz"]], tags=["jica"])
    bump_content_generation()
    with CaptureQueriesContext(connection) as captured:
        link_counts()
        country_area_counts()
    # One read of the shared counts and one of the scheduled articles' keys, for both.
    assert len([query for query in captured if "tally" in query["sql"]]) == 2
    with CaptureQueriesContext(connection) as per_key:
        tags_in_place("country", desk["kz"].pk)
        places_with_tag(Tag.objects.get(name="jica").pk)
    # The same two for each key, reading that key's rows only.
    assert len([query for query in per_key if "tally" in query["sql"]]) == 4
    statements = [query["sql"] for query in [*captured, *per_key]]
    link_tables = ("articles_articlecountry", "articles_articlearea", "articles_taggedarticle")
    assert not [sql for sql in statements if any(table in sql for table in link_tables)]


@pytest.fixture
def languages(desk):
    """The desk's English articles, and Japanese and Russian ones on the same places and tags."""
    jp, kz, energy = desk["jp"], desk["kz"], desk["energy"]
    return {
        "ja": [
            make_article(
                "Genpatsu", language="ja", countries=[jp, kz], areas=[energy], tags=["jica"]
            ),
            make_article("Suiso", language="ja", countries=[jp], tags=["jica", "hydrogen"]),
        ],
        "ru": [
            make_article("Uran", language="ru", countries=[kz], areas=[energy], tags=["uranium"])
        ],
    }


def test_each_language_counts_its_own_articles(desk, languages):
    assert_counts_match()
    jica = Tag.objects.get(name="jica").pk
    kz, jp, energy = desk["kz"].pk, desk["jp"].pk, desk["energy"].pk
    assert link_counts("en")["country"] == {kz: 2, jp: 1, desk["uz"].pk: 2}
    assert link_counts("ja")["country"] == {kz: 1, jp: 2}
    assert link_counts("ru")["country"] == {kz: 1}
    assert link_counts("ja")["tag"][jica] == 2
    assert country_area_counts("ja") == {(kz, energy): 1, (jp, energy): 1}
    assert tags_in_place("area", energy, "ru") == {Tag.objects.get(name="uranium").pk: 1}
    assert places_with_tag(jica, "ja") == {"country": {kz: 1, jp: 2}, "area": {energy: 1}}


def test_the_counts_read_the_page_language_by_default(desk, languages):
    with translation.override("ja"):
        assert link_counts() == link_counts("ja")
        assert LinkTally.objects.counts(["country"]) == LinkTally.objects.counts(
            ["country"], language="ja"
        )
    assert link_counts() == link_counts("en")


def test_changing_an_articles_language_moves_its_counts(
    desk, languages, django_capture_on_commit_callbacks
):
    editor = make_editor()
    genpatsu = languages["ja"][0]
    genpatsu.language = "ru"
    genpatsu.save()
    assert_counts_match()
    assert link_counts("ru")["country"][desk["jp"].pk] == 1
    assert link_counts("ja")["country"] == {desk["jp"].pk: 1}
    keys = ArticleTally.objects.get(article=genpatsu).keys
    assert keys and {language for language, *_ in keys} == {"ru"}
    # A bulk change, as a list action would make it (announced once committed), and back.
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(language="ja").revise(user=editor, comment="Moved", language="en")
    assert_counts_match()
    assert link_counts("ja") == {"country": {}, "area": {}, "tag": {}}
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=genpatsu.pk).revise(user=editor, comment="Back", language="ja")
    assert_counts_match()
    assert link_counts("ja")["country"] == {desk["jp"].pk: 1, desk["kz"].pk: 1}


def test_publishing_deleting_and_merging_tags_keep_every_language_in_step(
    desk, languages, django_capture_on_commit_callbacks
):
    editor = make_editor()
    draft = make_article("Soan", language="ja", countries=[desk["uz"]], tags=["cotton"])
    draft.unpublish(user=editor)
    assert_counts_match()
    assert desk["uz"].pk not in link_counts("ja")["country"]
    # It has no area, which the pre-publish checklist asks for; these counts do not care.
    draft.publish(user=editor, override_reason="no area on purpose")
    assert_counts_match()
    assert link_counts("ja")["country"][desk["uz"].pk] == 1
    merge_tags(Tag.objects.get(name="jica"), [Tag.objects.get(name="hydrogen")], user=editor)
    assert_counts_match()
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=languages["ru"][0].pk).delete_with_history(user=editor)
    assert_counts_match()
    assert link_counts("ru") == {"country": {}, "area": {}, "tag": {}}
    languages["ja"][1].delete()
    assert_counts_match()


def test_a_scheduled_article_counts_in_its_language_from_its_time(desk, languages):
    make_scheduled("Ashita", language="ja", countries=[desk["uz"]], tags=["cotton"], days_ahead=1)
    assert desk["uz"].pk not in link_counts("ja")["country"]
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert link_counts("ja")["country"][desk["uz"].pk] == 1
        assert link_counts("en")["country"][desk["uz"].pk] == 2
        assert_counts_match()


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_country_area_tags_and_takes_them_back():
    kz, energy = make_country("Kazakhstan"), make_area("Energy")
    make_article("Grid", countries=[kz], areas=[energy], tags=["grid", "solar"])
    before = [("articles", "0021_article_newest_index")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        OldLinkTally = old_apps.get_model("articles", "LinkTally")
        OldArticleTally = old_apps.get_model("articles", "ArticleTally")
        assert not OldLinkTally.objects.filter(kind="country-area-tag").exists()
        assert {len(key) for key in OldArticleTally.objects.get().keys} == {4}
        # The earlier migrations' recount still works on a state without the third id.
        assert OldLinkTally.objects.rebuild() == 1
        assert OldLinkTally.objects.filter(kind="country-area", first=kz.pk).get().count == 1
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    triples = LinkTally.objects.filter(kind="country-area-tag", first=kz.pk, second=energy.pk)
    assert sorted(triples.values_list("third", "count")) == sorted(
        (tag.pk, 1) for tag in Tag.objects.filter(name__in=["grid", "solar"])
    )


def tally_reads(captured) -> dict[str, int]:
    """How many of `captured`'s statements read the scheduled articles' keys (a look for due
    articles) and the maintained counts."""
    return {
        "due": len([q for q in captured if '"articles_articletally"."counts_from" <=' in q["sql"]]),
        "counts": len([q for q in captured if 'FROM "articles_linktally"' in q["sql"]]),
    }


@pytest.mark.django_db(transaction=True)
def test_due_articles_are_looked_for_once_per_request_and_counted_at_their_time(client):
    kz = make_country("Kazakhstan")
    make_article("Grid", countries=[kz], tags=["grid"])
    make_scheduled("Later", countries=[kz], tags=["hydrogen"], days_ahead=1)
    # A country's page reads three kinds of count (the shared ones, its tags, its months).
    with CaptureQueriesContext(connection) as first:
        assert client.get(kz.get_absolute_url()).status_code == 200
    assert tally_reads(first) == {"due": 1, "counts": 3}
    # Outside a request (commands, shells), every read looks.
    bump_content_generation()
    with CaptureQueriesContext(connection) as direct:
        link_counts()
        tags_in_place("country", kz.pk)
    assert tally_reads(direct) == {"due": 2, "counts": 2}
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        with CaptureQueriesContext(connection) as later:
            response = client.get(kz.get_absolute_url())
        assert tally_reads(later)["due"] == 1
        assert "Later" in response.content.decode()
        assert places_with_tag(Tag.objects.get(name="hydrogen").pk)["country"] == {kz.pk: 1}
        assert not ArticleTally.objects.filter(live=False).exists()
        assert_counts_match()


@pytest.mark.django_db(transaction=True)
def test_a_look_for_due_articles_rolled_back_is_made_again():
    from django.core.signals import request_finished, request_started
    from django.db import transaction

    kz = make_country("Kazakhstan")
    make_scheduled("Later", countries=[kz], tags=["hydrogen"], days_ahead=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        request_started.send(sender=None)  # one request's content state from here on
        try:
            with transaction.atomic():
                assert link_counts()["country"] == {kz.pk: 1}
                transaction.set_rollback(True)
            assert ArticleTally.objects.filter(live=False).exists()
            # Same request, same content state: the look was undone with its transaction,
            # so the next read of the counts looks again and counts the article.
            with CaptureQueriesContext(connection) as again:
                assert tags_in_place("country", kz.pk) == {Tag.objects.get(name="hydrogen").pk: 1}
            assert tally_reads(again)["due"] == 1
            assert not ArticleTally.objects.filter(live=False).exists()
        finally:
            request_finished.send(sender=None)


def test_the_generation_turns_over_at_a_scheduled_time_even_after_an_hour_unread(desk):
    from summit.cache import content_generation

    make_scheduled("Later", countries=[desk["jp"]], days_ahead=0.25)  # in six hours
    before = content_generation()
    assert link_counts()["country"][desk["jp"].pk] == 1
    # No one reads anything until the time has passed, long after cached values expired.
    with time_machine.travel(timezone.now() + timedelta(hours=6, minutes=1)):
        assert content_generation() != before
        assert link_counts()["country"][desk["jp"].pk] == 2
