"""Links that never break: an old slug answers 301 to the page's new address."""

import pytest
from django.urls import reverse

from summit.models import Redirect
from summit.redirects import record_move
from tests.factories import article_admin_data, make_area, make_article, make_country, make_editor

pytestmark = pytest.mark.django_db


def test_changing_an_article_slug_in_the_admin_redirects_the_old_address(client):
    article = make_article("Gas routes", slug="gas-routes")
    client.force_login(make_editor("desk"))
    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_admin_data(article, slug="turkmen-gas-routes"),
    )
    client.logout()
    response = client.get("/articles/gas-routes/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/turkmen-gas-routes/"
    assert client.get(response["Location"]).status_code == 200


def test_the_query_string_is_kept(client):
    article = make_article("Gas", slug="gas")
    article.slug = "gas-exports"
    article.save()
    response = client.get("/articles/gas/?utm_source=newsletter")
    assert response["Location"] == "/articles/gas-exports/?utm_source=newsletter"


def test_several_renames_lead_straight_to_the_current_address(client):
    article = make_article("Rail", slug="rail")
    for slug in ["rail-2", "rail-3"]:
        article.slug = slug
        article.save()
    assert client.get("/articles/rail/")["Location"] == "/articles/rail-3/"
    assert client.get("/articles/rail-2/")["Location"] == "/articles/rail-3/"


def test_going_back_to_an_old_slug_does_not_loop(client):
    article = make_article("Loop", slug="loop")
    article.slug = "loop-2"
    article.save()
    article.slug = "loop"
    article.save()
    assert client.get("/articles/loop/").status_code == 200
    assert client.get("/articles/loop-2/")["Location"] == "/articles/loop/"
    assert not Redirect.objects.filter(old_path="/articles/loop/").exists()


def test_a_draft_renamed_leaves_no_redirect():
    draft = make_article("Draft", slug="draft", published=False)
    draft.slug = "draft-renamed"
    draft.save()
    assert not Redirect.objects.exists()


def test_country_area_and_tag_slug_changes_redirect(client):
    kz = make_country("Kazakhstan", slug="kazakstan")
    energy = make_area("Energy", slug="enrgy")
    make_article("Story", countries=[kz], areas=[energy], tags=["solar"])
    kz.slug = "kazakhstan"
    kz.save()
    energy.slug = "energy"
    energy.save()
    from articles.models import Tag

    tag = Tag.objects.get(name="solar")
    tag.slug = "solar-power"
    tag.save()
    assert client.get("/countries/kazakstan/")["Location"] == "/countries/kazakhstan/"
    assert client.get("/areas/enrgy/")["Location"] == "/areas/energy/"
    assert client.get("/tags/solar/")["Location"] == "/tags/solar-power/"


def test_non_latin_slugs_redirect(client):
    article = make_article("防災", slug="防災")
    article.slug = "防災-協力"
    article.save()
    response = client.get("/articles/防災/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/%E9%98%B2%E7%81%BD-%E5%8D%94%E5%8A%9B/"


def test_unknown_paths_still_get_the_404_page(client):
    record_move("/articles/a/", "/articles/b/")
    assert client.get("/articles/unknown/").status_code == 404
    assert client.post("/articles/a/").status_code in (404, 405)


def test_a_live_page_wins_over_a_redirect(client):
    article = make_article("Live", slug="live")
    Redirect.objects.create(old_path="/articles/live/", new_path="/articles/elsewhere/")
    assert client.get(article.get_absolute_url()).status_code == 200
