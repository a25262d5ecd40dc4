"""The language switcher in a real browser: a reader moves between a story's languages."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_switches_an_article_to_its_translation_and_back(live_server, site, watched_page):
    page = watched_page
    translated = Article.objects.published().filter(language="ja").select_related("translation_of")
    japanese = translated.first()
    original = japanese.translation_of
    visit(page, live_server.url + original.get_absolute_url())
    switcher = page.locator(".site-header .language-switcher")
    switcher.get_by_role("link", name="日本語").click()
    expect(page.locator("h1")).to_have_text(japanese.title)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(switcher.locator('[aria-current="true"]')).to_have_text("日本語")

    # The choice is saved: the site root now opens in Japanese.
    visit(page, live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/ja/$"))

    page.locator(".site-header .language-switcher").get_by_role("link", name="English").click()
    expect(page).to_have_url(live_server.url + "/")
    visit(page, live_server.url + japanese.get_absolute_url())
    page.locator(".read-in").get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text(original.title)


def test_switching_a_country_page_keeps_the_country(live_server, site, watched_page):
    page = watched_page
    visit(page, live_server.url + "/countries/kazakhstan/")
    page.locator(".site-header .language-switcher").get_by_role("link", name="Русский").click()
    expect(page).to_have_url(re.compile(r"/ru/countries/kazakhstan/$"))
    expect(page.locator("h1")).to_contain_text("Казахстан")
