"""Events and commitments in a real browser under the strict CSP: reader and editor."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import visit
from tests.factories import make_editor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_events(site):
    call_command("load_demo_events", stdout=open(os.devnull, "w"))


def test_reader_goes_from_home_to_an_event_and_filters_the_register(
    live_server, demo_events, watched_page
):
    page = watched_page
    visit(page, live_server.url + "/")
    expect(page.locator(".events-home .event-next h3")).to_be_visible()
    page.locator(".events-home").get_by_role("link", name="All events →").click()
    expect(page.locator("h1")).to_have_text("Events")

    page.get_by_label("Country").select_option("japan")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/events/\?country=japan"))
    page.get_by_role("link", name="First Central Asia + Japan Dialogue summit").click()
    expect(page.locator(".timeline")).to_contain_text("Called off on the day")
    expect(page.locator(".event-facts")).to_contain_text("Kazakhstan")

    page.get_by_role("link", name="In the commitments register →").click()
    expect(page).to_have_url(re.compile(r"/commitments/\?event=central-asia-japan-summit-2025$"))
    expect(page.locator(".commitment-totals")).to_contain_text("JPY")


def test_event_pages_fit_a_phone(live_server, demo_events, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ("/events/", "/events/central-asia-japan-summit-2025/", "/countries/japan/"):
        visit(page, live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px phone"
    context.close()


def test_editor_changes_a_status_with_a_note_under_the_admin_policy(
    live_server, demo_events, watched_page
):
    make_editor("desk", password="a-long-test-password")
    page = watched_page
    visit(page, live_server.url + "/admin/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    visit(page, live_server.url + "/admin/events/event/")
    page.get_by_role("link", name="Trans-Caspian connectivity forum (illustrative)").click()
    page.select_option("#id_status", "postponed")
    page.fill("#id_status_note", "host ministry asked for a later date")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("#status_changes-group")).to_contain_text("Postponed")
    visit(page, live_server.url + "/admin/events/commitment/add/")
    visit(page, live_server.url + "/events/trans-caspian-connectivity-forum-illustrative/")
    expect(page.locator(".timeline")).to_contain_text("host ministry asked for a later date")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_event_pages_have_no_serious_accessibility_violations(
    live_server, demo_events, watched_page, scheme
):
    axe = Axe()
    watched_page.emulate_media(color_scheme=scheme)
    for path in (
        "/events/",
        "/events/central-asia-japan-summit-2025/",
        "/commitments/?area=infrastructure",
    ):
        visit(watched_page, live_server.url + path)
        results = axe.run(watched_page)
        blocking = [
            f"{path} {v['id']} ({v['impact']}): {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert blocking == [], blocking
