"""Finding articles in a real browser: the header search box, misspellings and feeds."""

import re

import feedparser
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_from_the_header_finds_and_highlights(live_server, site, watched_page):
    page = watched_page
    visit(page, live_server.url + "/")
    page.locator("header").get_by_role("searchbox").fill("hydropower")
    page.locator("header").get_by_role("searchbox").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=hydropower$"))
    expect(page.locator(".cards .card").first).to_be_visible()
    expect(page.locator(".cards mark").first).to_be_visible()
    page.locator(".cards h3 a").first.click()
    expect(page.locator("article h1")).to_be_visible()


def test_misspelled_search_offers_the_right_word(live_server, site, watched_page):
    page = watched_page
    visit(page, live_server.url + "/search/?q=Kazakstan")
    expect(page.locator(".suggestion")).to_contain_text("Did you mean")
    expect(page.locator(".suggestion a")).to_have_text(re.compile("kazakhstan", re.IGNORECASE))
    assert page.locator(".cards .card").count() > 0


def test_reader_follows_a_filtered_lists_feed_link(live_server, site, watched_page):
    page = watched_page
    visit(page, live_server.url + "/articles/?country=uzbekistan")
    link = page.locator("a.feed-link")
    expect(link).to_contain_text("RSS feed of these articles")
    advertised = page.locator('link[rel="alternate"][type="application/rss+xml"]').first
    assert advertised.get_attribute("href").endswith("/articles/feed/?country=uzbekistan")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    feed = feedparser.parse(response.body())
    assert not feed.bozo
    titles = [entry.title for entry in feed.entries]
    listed = page.locator(".cards h3 a").all_inner_texts()
    assert titles == listed
