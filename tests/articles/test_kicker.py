"""The kicker above headlines: the editor's primary country or area, else Summit's choice."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.kicker import automatic_kicker
from articles.models import Article
from tests.factories import article_admin_data, make_area, make_article, make_country

pytestmark = pytest.mark.django_db


def kickers(client, url: str = "/articles/") -> list[str]:
    """The kicker of every card on a list page, top to bottom."""
    response = client.get(url)
    assert response.status_code == 200
    return [
        line.split('<p class="kicker">', 1)[1].split("</p>", 1)[0]
        for line in response.content.decode().splitlines()
        if '<p class="kicker">' in line
    ]


@pytest.fixture
def region():
    return {
        "kz": make_country("Kazakhstan"),
        "uz": make_country("Uzbekistan", aliases="Tashkent\nUzbek"),
        "tj": make_country("Tajikistan"),
        "jp": make_country("Japan", role="host"),
        "energy": make_area("Energy"),
    }


def test_the_editors_primary_country_is_shown_on_the_card(client, region):
    make_article(
        "Gas for the south",
        countries=[region["kz"], region["uz"]],
        body="Kazakhstan, Kazakhstan and Kazakhstan again.",
        primary_country=region["uz"],
    )
    assert kickers(client) == ["Uzbekistan"]


def test_the_editors_primary_area_is_shown_on_the_card_and_links_on_the_article(client, region):
    article = make_article(
        "Grid talks",
        countries=[region["kz"]],
        areas=[region["energy"]],
        primary_area=region["energy"],
    )
    assert kickers(client) == ["Energy"]
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<p class="kicker"><a href="{region["energy"].get_absolute_url()}">Energy</a>' in page


def test_summit_chooses_the_country_the_text_is_mostly_about(client, region):
    make_article(
        "A new rail line",
        countries=[region["kz"], region["uz"], region["jp"]],
        dek="Tashkent wants a faster link north.",
        body="Uzbek officials say the Uzbekistan section opens first; Kazakhstan follows. "
        "Japan, Japan, Japan and Japan lend the money.",
    )
    # Japan is named most, but a Central Asian state is the story; Kazakhstan is not
    # first any more just because of the alphabet.
    assert kickers(client) == ["Uzbekistan"]


def test_a_region_wide_piece_says_region(client, region):
    article = make_article(
        "Five capitals, one water plan",
        countries=[region["kz"], region["uz"], region["tj"], region["jp"]],
        # One more mention is not a lead.
        body="Kazakhstan and Uzbekistan share the rivers with Tajikistan; Uzbekistan too.",
    )
    assert kickers(client) == ["Region"]
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<p class="kicker"><a href="{reverse("countries:list")}">Region</a>' in page


def test_one_central_asian_country_is_the_kicker_however_often_japan_is_named(client, region):
    make_article(
        "Tokyo's view",
        countries=[region["jp"], region["tj"]],
        body="Japan, Japan, Japan. And Tajikistan.",
    )
    make_article("No countries at all")
    assert kickers(client) == ["Tajikistan"]


def test_the_automatic_choice_follows_later_changes_of_the_countries(client, region):
    article = make_article(
        "Water", countries=[region["kz"], region["uz"]], body="Uzbekistan, Kazakhstan."
    )
    assert kickers(client) == ["Region"]
    article.countries.remove(region["kz"])
    assert kickers(client) == ["Uzbekistan"]


def test_the_text_is_read_when_saved_not_when_shown(client, region, monkeypatch):
    article = make_article(
        "Read on save", countries=[region["kz"], region["uz"]], body="Kazakhstan. Kazakhstan."
    )
    assert article.country_mentions == {str(region["kz"].pk): 2}

    def no_recognition(text):
        raise AssertionError("recognition ran on a page view")

    monkeypatch.setattr("articles.kicker.recognise", no_recognition)
    assert kickers(client) == ["Kazakhstan"]
    assert client.get(article.get_absolute_url()).status_code == 200


def test_saving_only_other_fields_keeps_the_mentions_and_saving_the_text_renews_them(region):
    article = make_article("Renew", countries=[region["kz"]], body="Kazakhstan.")
    article.body = "Uzbekistan and Uzbekistan."
    article.save(update_fields=["featured"])
    article.refresh_from_db()
    assert article.country_mentions == {str(region["kz"].pk): 1}
    article.body = "Uzbekistan and Uzbekistan."
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.country_mentions == {str(region["uz"].pk): 2}


def test_the_migration_reads_the_articles_saved_before_the_field_existed(region):
    article = make_article("Old story", countries=[region["tj"]], body="Tajikistan, Japan.")
    Article.objects.filter(pk=article.pk).update(country_mentions={})
    migration = importlib.import_module(
        "articles.migrations.0005_article_kicker_and_lead_image_focus"
    )
    migration.read_country_mentions(apps, None)
    article.refresh_from_db()
    assert article.country_mentions == {str(region["tj"].pk): 1, str(region["jp"].pk): 1}


def test_a_primary_country_and_a_primary_area_together_are_refused(region):
    article = make_article(
        "Both",
        countries=[region["kz"]],
        areas=[region["energy"]],
        primary_country=region["kz"],
        primary_area=region["energy"],
    )
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "not both" in str(refused.value.message_dict["primary_area"])


def test_the_admin_refuses_a_primary_country_the_article_is_not_about(editor, region):
    article = make_article("Steppe wind", countries=[region["kz"]], areas=[region["energy"]])
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor.post(url, article_admin_data(article, primary_country=region["uz"].pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Add Uzbekistan to the article's countries" in errors["primary_country"][0]

    # The same choice goes through when the country is added in the same save.
    response = editor.post(
        url,
        article_admin_data(
            article,
            countries=[region["kz"].pk, region["uz"].pk],
            primary_country=region["uz"].pk,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.primary_country == region["uz"]


def test_the_admin_refuses_a_primary_area_the_article_is_not_in(editor, region):
    trade = make_area("Trade")
    article = make_article("Steppe wind", countries=[region["kz"]], areas=[region["energy"]])
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor.post(url, article_admin_data(article, primary_area=trade.pk))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Add Trade to the article's cooperation areas" in errors["primary_area"][0]


def test_the_admin_form_offers_the_kicker_and_focal_point_fields(editor, region):
    article = make_article("Fields", countries=[region["kz"]])
    page = editor.get(reverse("admin:articles_article_change", args=[article.pk]))
    form = page.context["adminform"].form
    assert {"primary_country", "primary_area", "lead_image_focal_x", "lead_image_focal_y"} <= set(
        form.fields
    )
    assert "leave empty to let Summit choose" in form.fields["primary_country"].help_text


def test_cards_cost_no_query_each(client, settings, region):
    settings.ARTICLES_PER_PAGE = 20

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/articles/").status_code == 200
        return len(captured)

    # The first article has an area too: a page with no area facet at all skips its query.
    make_article(
        "One", countries=[region["kz"]], areas=[region["energy"]], primary_country=region["kz"]
    )
    few = count_queries()
    for number in range(6):
        make_article(
            f"More {number}",
            countries=[region["kz"], region["uz"]],
            areas=[region["energy"]],
            primary_country=region["uz"] if number % 3 == 0 else None,
            primary_area=region["energy"] if number % 3 == 1 else None,
        )
    assert count_queries() == few
    assert len(kickers(client)) == 7


def test_without_central_asian_countries_the_most_named_partner_leads(region):
    china = make_country("China", role="partner")
    assert automatic_kicker([china, region["jp"]], {str(region["jp"].pk): 1}).label == "Japan"
    # Equally named partners: the first by name, never "Region".
    assert automatic_kicker([china, region["jp"]], {}).label == "China"
