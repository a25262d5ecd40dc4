"""The process's copy of every country and area (`places()`), and the article page's links
read through it (`attach_links()`): one query for many articles, and every edit shown on the
next request."""

import pytest
from django.urls import reverse

from articles.models import Article, attach_links
from countries.models import places
from summit.cache import content_generation
from tests.factories import make_area, make_article, make_country

pytestmark = pytest.mark.django_db


def test_places_are_read_once_per_content_generation(django_assert_num_queries):
    kz = make_country("Kazakhstan")
    content_generation()  # the generation and when content next changes, read once
    with django_assert_num_queries(2):
        assert places().countries[kz.pk].name == "Kazakhstan"
    with django_assert_num_queries(0):
        assert places().countries[kz.pk].name == "Kazakhstan"

    kz.name = "Qazaqstan"
    kz.save()
    # The save moved the content generation: the next reader gets the new name.
    assert places().countries[kz.pk].name == "Qazaqstan"


def test_places_keep_each_models_order():
    make_country("Uzbekistan")
    make_country("Kazakhstan")
    make_area("Trade", position=2)
    make_area("Energy", position=1)
    known = places()
    assert [country.name for country in known.countries.values()] == [
        "Kazakhstan",
        "Uzbekistan",
    ]
    assert [area.name for area in known.areas.values()] == ["Energy", "Trade"]


def test_attach_links_gives_what_the_relations_give_in_one_query(django_assert_num_queries):
    uz, kz = make_country("Uzbekistan"), make_country("Kazakhstan")
    trade, energy = make_area("Trade", position=2), make_area("Energy", position=1)
    first = make_article(countries=[uz, kz], areas=[trade, energy], tags=["uranium", "Aral Sea"])
    second = make_article(countries=[kz], tags=["rail"], primary_area=trade, areas=[trade])
    bare = make_article()
    articles = list(Article.objects.filter(pk__in=[first.pk, second.pk, bare.pk]))
    places()  # read once per generation, outside the budget below

    with django_assert_num_queries(1):
        attach_links(articles)
        by_pk = {article.pk: article for article in articles}
        first_copy, second_copy, bare_copy = by_pk[first.pk], by_pk[second.pk], by_pk[bare.pk]
        assert [c.name for c in first_copy.country_list] == ["Kazakhstan", "Uzbekistan"]
        assert [a.name for a in first_copy.area_list] == ["Energy", "Trade"]
        assert [t.name for t in first_copy.tag_list] == ["Aral Sea", "uranium"]
        assert [t.get_absolute_url() for t in second_copy.tag_list] == ["/tags/rail/"]
        # The primary area comes from the process's copy too: no query for the kicker.
        assert second_copy.kicker.label == "Trade"
        assert (bare_copy.country_list, bare_copy.area_list, bare_copy.tag_list) == ([], [], [])

    fresh = Article.objects.get(pk=first.pk)
    assert [c.pk for c in fresh.country_list] == [c.pk for c in first_copy.country_list]
    assert [a.pk for a in fresh.area_list] == [a.pk for a in first_copy.area_list]
    assert [t.pk for t in fresh.tag_list] == [t.pk for t in first_copy.tag_list]


def test_article_page_shows_a_renamed_country_and_area_on_the_next_request(client):
    kz, energy = make_country("Kazakhstan"), make_area("Energy")
    article = make_article("Steppe power", countries=[kz], areas=[energy], primary_area=energy)
    url = reverse("articles:detail", kwargs={"slug": article.slug})
    page = client.get(url).text
    assert 'class="chip" href="/countries/kazakhstan/">Kazakhstan<' in page
    assert '<p class="kicker"><a href="/areas/energy/">Energy</a></p>' in page

    kz.name = "Qazaqstan"
    kz.save()
    energy.name = "Power"
    energy.save()
    page = client.get(url).text
    assert 'class="chip" href="/countries/kazakhstan/">Qazaqstan<' in page
    assert '<p class="kicker"><a href="/areas/energy/">Power</a></p>' in page
    assert "Kazakhstan" not in page
