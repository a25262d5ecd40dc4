"""What a reader does, in a real browser: follow links, narrow lists, read on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_to_article_to_tag_to_country_to_another_article(live_server, site, watched_page):
    page = watched_page
    visit(page, live_server.url + "/")
    lead = page.locator(".lead-story h2 a")
    lead_title = lead.inner_text()
    lead.click()
    expect(page.locator("h1")).to_have_text(lead_title)
    expect(page.locator(".prose")).to_be_visible()

    tag_link = page.locator(".article-foot").get_by_role("link", name="JICA")
    tag_link.click()
    expect(page).to_have_url(re.compile(r"/tags/jica/$"))
    expect(page.locator("h1")).to_have_text("JICA")
    total = page.locator(".cards .card").count()

    page.locator(".facets").get_by_role("link", name=re.compile(r"^Kyrgyzstan")).click()
    expect(page).to_have_url(re.compile(r"/articles/\?tag=jica&country=kyrgyzstan$"))
    expect(page.locator(".active-filters")).to_contain_text("Country: Kyrgyzstan")
    narrowed = page.locator(".cards .card")
    assert 0 < narrowed.count() < total

    other = narrowed.locator("h3 a").filter(has_not_text=lead_title).first
    other_title = other.inner_text()
    other.click()
    expect(page.locator("h1")).to_have_text(other_title)
    expect(page.locator(".article-foot")).to_contain_text("Kyrgyzstan")


def test_removing_a_filter_widens_the_list_again(live_server, site, watched_page):
    page = watched_page
    visit(page, live_server.url + "/articles/?area=energy&country=kyrgyzstan")
    narrowed = page.locator(".cards .card").count()
    page.get_by_role("link", name="Remove filter Country: Kyrgyzstan").click()
    expect(page).to_have_url(re.compile(r"/articles/\?area=energy$"))
    assert page.locator(".cards .card").count() >= narrowed


def test_phone_reader_can_navigate_every_section(live_server, site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    visit(page, live_server.url + "/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px phone"
    menu = page.locator(".site-nav .nav-menu")
    for name, heading in [
        ("Articles", "Articles"),
        ("Countries", "Countries"),
        ("Cooperation areas", "Cooperation areas"),
        ("Tags", "Tags"),
        ("Coverage", "Coverage"),
        ("Archive", "Archive"),
    ]:
        menu.locator("summary").click()
        menu.get_by_role("link", name=name, exact=True).click()
        expect(page.locator("h1")).to_have_text(heading)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    menu.locator("summary").click()
    menu.get_by_role("link", name="Countries", exact=True).click()
    page.locator(".tiles a").first.click()
    expect(page.locator(".region-map")).to_be_visible()
    context.close()


def test_skip_link_moves_focus_to_the_content(live_server, site, watched_page):
    page = watched_page
    visit(page, live_server.url + "/articles/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_map_links_open_country_pages(live_server, site, watched_page):
    page = watched_page
    visit(page, live_server.url + "/countries/")
    page.locator(".region-map").get_by_role("link", name=re.compile("Uzbekistan")).click()
    expect(page.locator("h1")).to_have_text("Uzbekistan")
    expect(page.locator(".region-map .map-highlight")).to_have_count(1)


def test_unknown_page_shows_the_sites_own_404(live_server, site, watched_page):
    page = watched_page
    visit(page, live_server.url + "/articles/not-a-story/", status=404)
    expect(page.locator("h1")).to_have_text("Page not found")
    page.get_by_role("link", name="Go to the front page").click()
    expect(page.locator(".lead-story")).to_be_visible()
