"""An editor signs in, writes and publishes an article, and finds it where readers will."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import visit
from tests.factories import make_staff

pytestmark = pytest.mark.django_db(transaction=True)


def choose_in_autocomplete(page, field: str, text: str) -> None:
    """Pick `text` in one of the admin's autocomplete (select2) widgets."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text[:4])
    page.locator(".select2-results__option", has_text=text).click()


def test_editor_publishes_an_article_that_readers_then_find(live_server, site, watched_page):
    make_staff("desk", password="correct-horse-battery-staple")
    page = watched_page
    visit(page, live_server.url + "/admin/")
    page.get_by_label("Username").fill("desk")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("Summit newsroom")

    visit(page, live_server.url + "/admin/articles/article/add/")
    page.locator("#id_title").fill("Steppe wind farms draw Japanese lenders")
    page.locator("#id_title").press("End")  # the admin fills the slug on key presses
    expect(page.locator("#id_slug")).to_have_value("steppe-wind-farms-draw-japanese-lenders")
    page.locator("#id_dek").fill("A first wind project finance deal closes in Kazakhstan.")
    page.locator("#id_body").fill("Turbines are rising near **Ereymentau**.")
    page.locator("#id_status").select_option("published")
    page.locator("#id_featured").check()
    choose_in_autocomplete(page, "countries", "Kazakhstan")
    choose_in_autocomplete(page, "cooperation_areas", "Energy")
    page.locator("#id_tags").fill("wind power, JICA")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    visit(page, live_server.url + "/")
    expect(page.locator(".lead-story h2")).to_have_text("Steppe wind farms draw Japanese lenders")

    visit(page, live_server.url + "/tags/wind-power/")
    expect(page.locator(".cards")).to_contain_text("Steppe wind farms draw Japanese lenders")

    visit(page, live_server.url + "/countries/kazakhstan/")
    expect(page.locator(".cards").first).to_contain_text("Steppe wind farms draw Japanese lenders")

    page.get_by_role("link", name="Steppe wind farms draw Japanese lenders").first.click()
    expect(page).to_have_url(re.compile(r"/articles/steppe-wind-farms-draw-japanese-lenders/$"))
    expect(page.locator(".prose strong")).to_have_text("Ereymentau")
