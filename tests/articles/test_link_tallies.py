"""The maintained counts always equal a count over the link tables, whatever wrote the change."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.counts import (
    _country_area_counts,
    _tag_counts_by_place,
    count_links,
    country_area_counts,
    link_counts,
    tag_counts_by_place,
)
from articles.models import TALLY_KINDS, Article, ArticleTally, LinkTally, Tag
from articles.tags import delete_tags, merge_tags
from summit.cache import bump_content_generation
from tests.factories import make_area, make_article, make_country, make_editor, make_scheduled

pytestmark = pytest.mark.django_db


def counted_from_links() -> dict[str, dict]:
    """The reference: the same counts grouped over every link row of published articles."""
    links = count_links()
    pairs = _country_area_counts()
    by_place = _tag_counts_by_place()
    return {
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
                Article.objects.published().filter(tags__pk=tag), kinds=("tag",)
            )["tag"].items()
            if other != tag
        },
    }


def pairs_of(by_place: dict[int, dict[int, int]]) -> dict[tuple[int, int], int]:
    return {(place, tag): n for place, tags in by_place.items() for tag, n in tags.items()}


def assert_counts_match() -> None:
    maintained = LinkTally.objects.counts(TALLY_KINDS)
    expected = counted_from_links()
    for kind in TALLY_KINDS:
        assert dict(maintained.get(kind, {})) == expected[kind], kind


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
    assert tag_counts_by_place()["country"][desk["kz"].pk][jica.pk] == 2


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
    maintained = LinkTally.objects.counts(TALLY_KINDS)
    keys = dict(ArticleTally.objects.values_list("article_id", "keys"))
    assert LinkTally.objects.rebuild() == 3
    assert LinkTally.objects.counts(TALLY_KINDS) == maintained
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
        tag_counts_by_place()
    statements = [query["sql"] for query in captured]
    link_tables = ("articles_articlecountry", "articles_articlearea", "articles_taggedarticle")
    assert not [sql for sql in statements if any(table in sql for table in link_tables)]
    # One read of the maintained counts and one of the scheduled articles' keys, for all three.
    assert len([sql for sql in statements if "tally" in sql]) == 2
