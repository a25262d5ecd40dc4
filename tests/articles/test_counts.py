"""Cached counts, facets and related articles: right, fresh after every change, bounded."""

from __future__ import annotations

import pickle
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.counts import link_counts, tags_in_use
from articles.facets import Selection, facets_for, selection_facets
from articles.models import RELATED_CANDIDATES, Article, Tag, related_articles
from tests.factories import make_area, make_article, make_country, make_scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan")
    energy, trade = make_area("Energy"), make_area("Trade")
    make_article("Grid", countries=[kz], areas=[energy], tags=["power", "jica"])
    make_article("Dam", countries=[kz, uz], areas=[energy], tags=["power", "water"])
    make_article("Cotton", countries=[uz], areas=[trade], tags=["water"])
    make_article("Rail", countries=[kz], areas=[trade, energy], tags=["jica", "rail"])
    make_article("Draft", countries=[kz], areas=[energy], tags=["power"], published=False)
    make_scheduled("Later", countries=[uz], areas=[trade], tags=["rail"])
    return {"kz": kz, "uz": uz, "energy": energy, "trade": trade}


def test_counts_are_plain_data_that_survive_pickling(desk):
    counts = link_counts()
    assert pickle.loads(pickle.dumps(counts)) == counts
    assert counts["country"] == {desk["kz"].pk: 3, desk["uz"].pk: 2}
    assert all(isinstance(n, int) for kind in counts.values() for n in kind.values())


def test_a_write_shows_in_the_counts_at_once(client, desk):
    assert client.get("/countries/").context["countries"]
    make_article("New", countries=[desk["uz"]], tags=["water"])
    response = client.get("/countries/")
    assert {c.name: c.article_count for c in response.context["countries"]} == {
        "Kazakhstan": 3,
        "Uzbekistan": 3,
    }
    assert {tag.name: tag.article_count for tag in tags_in_use()}["water"] == 3


def test_a_scheduled_article_is_counted_from_its_time_with_nothing_saved(desk):
    uz = desk["uz"].pk
    assert link_counts()["country"][uz] == 2
    with time_machine.travel(timezone.now() + timedelta(days=4), tick=False):
        assert link_counts()["country"][uz] == 3
        assert {tag.name for tag in tags_in_use()} >= {"rail"}


def selections(desk) -> list[Selection]:
    power, jica = Tag.objects.get(name="power"), Tag.objects.get(name="jica")
    return [
        Selection(),
        Selection(country=desk["kz"]),
        Selection(area=desk["trade"]),
        Selection(tags=(power,)),
        Selection(tags=(power, jica)),
        Selection(tags=(jica,), country=desk["kz"], area=desk["energy"]),
    ]


def test_cached_facets_agree_with_counting_the_matches(desk):
    for selection in selections(desk):
        matches = selection.apply(Article.objects.published())
        assert selection_facets(selection) == facets_for(selection, matches), selection


def test_cached_facets_cost_no_aggregate_on_a_warm_cache(desk):
    for selection in selections(desk):
        selection_facets(selection)
    with CaptureQueriesContext(connection) as captured:
        for selection in selections(desk):
            selection_facets(selection)
    # Only the countries, areas and tags named by the options, never the link tables.
    assert not [q for q in captured if "GROUP BY" in q["sql"]]


def test_a_shared_tag_outranks_many_newer_articles_sharing_only_a_country():
    kz = make_country("Kazakhstan")
    source = make_article("Source", countries=[kz], tags=["uranium"], days_ago=500)
    old_match = make_article("Old match", countries=[kz], tags=["uranium"], days_ago=400)
    for number in range(RELATED_CANDIDATES["country"] + 5):
        make_article(f"Country only {number}", countries=[kz], days_ago=number + 1)
    source = Article.objects.prefetch_related("tags", "countries", "cooperation_areas").get(
        pk=source.pk
    )
    with CaptureQueriesContext(connection) as captured:
        related = list(Article.objects.published().score_related(source))
    # The scores, then the winners' rows.
    assert len(captured) == 2
    assert related[0] == old_match
    assert (related[0].score, related[0].shared) == (4, 2)
    assert len(related) == 4
    assert source not in related


def test_an_article_with_no_links_has_no_related_articles():
    make_article("Other")
    lonely = make_article("Lonely")
    assert related_articles(lonely, "en") == []


@pytest.mark.parametrize("search_text", [None, "uranium & “Astana” 2026"])
def test_each_facet_option_links_to_its_selection_narrowed_by_that_option(search_text):
    from dataclasses import replace

    from articles.facets import facets_from_counts
    from articles.search_views import SearchSelection

    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan", slug="узбекистан")
    energy = make_area("Energy")
    trade = make_area("Trade & customs", slug="trade-customs")
    make_article("Grid", countries=[kz, uz], areas=[energy, trade], tags=["jica", "水素"])
    make_article("Rail", countries=[kz], areas=[trade], tags=["jica", "rail freight"])
    tags = {tag.name: tag for tag in Tag.objects.all()}
    counts = {
        "country": {kz.pk: 2, uz.pk: 1},
        "area": {energy.pk: 1, trade.pk: 2},
        "tag": {tag.pk: 1 for tag in tags.values()},
    }
    selections = [
        Selection(),
        Selection(tags=(tags["jica"],)),
        Selection(tags=(tags["jica"],), area=trade),
        Selection(country=uz),
        Selection(tags=(tags["水素"], tags["jica"]), country=kz, area=energy),
    ]
    if search_text is not None:
        selections = [
            SearchSelection(s.tags, s.country, s.area, query=search_text) for s in selections
        ]
    for selection in selections:
        facets = facets_from_counts(selection, counts)
        expected = {
            "countries": [replace(selection, country=c).url() for c in (kz, uz)],
            "areas": [replace(selection, area=a).url() for a in (trade, energy)],
            "tags": [
                selection.with_tag(tag).url()
                for tag in sorted(tags.values(), key=lambda tag: tag.name)
                if tag not in selection.tags
            ],
        }
        if selection.country:
            expected["countries"] = []
        if selection.area:
            expected["areas"] = []
        assert [option.url for option in facets.countries] == expected["countries"]
        assert [option.url for option in facets.areas] == expected["areas"]
        assert [option.url for option in facets.tags] == expected["tags"]
        assert [option.label for option in facets.countries] == [
            country.name for country in (kz, uz) if not selection.country
        ]
