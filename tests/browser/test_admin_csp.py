"""The admin works in a real browser under its Content-Security-Policy, and the policy bites.

`watched_page` fails a test on any console error, which includes every CSP violation Chromium
reports, on any page the test passed through; `on_page` also checks each page as it opens.
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import visit
from tests.factories import make_country, make_staff

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple"


def sign_in(page, live_server) -> None:
    make_staff("root", password=PASSWORD)
    response = visit(page, live_server.url + "/admin/login/")
    # Without the header there would be nothing to violate, and these tests would prove nothing.
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("Summit newsroom")


def on_page(page, path: str) -> None:
    """The browser has arrived at `path` and the page broke no rule of the policy."""
    expect(page).to_have_url(re.compile(re.escape(path)))
    assert page.evaluate("window.__cspViolations") == [], page.url


def test_article_form_history_and_compare_work_under_the_admin_policy(live_server, watched_page):
    make_country("Kazakhstan")
    page = watched_page
    sign_in(page, live_server)

    visit(page, live_server.url + "/admin/articles/article/add/")
    page.locator("#id_title").fill("Steppe wind farms draw Japanese lenders")
    page.locator("#id_title").press("End")  # the admin's script fills the slug on key presses
    expect(page.locator("#id_slug")).to_have_value("steppe-wind-farms-draw-japanese-lenders")
    page.locator("#id_dek").fill("A first wind project finance deal closes in Kazakhstan.")
    page.locator("#id_body").fill("Turbines are rising near Ereymentau.")
    # The date widget's shortcut and the autocomplete (which fetches its options) need scripts.
    page.locator("#id_publish_at_1").fill("")
    page.locator(".field-publish_at .datetimeshortcuts a", has_text="Now").click()
    expect(page.locator("#id_publish_at_1")).to_have_value(re.compile(r"^\d\d:\d\d:\d\d$"))
    page.locator(".field-countries .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("Kaza")
    page.locator(".select2-results__option", has_text="Kazakhstan").click()
    tag_box = page.get_by_label("Tags")
    tag_box.press_sequentially("wind power")
    tag_box.press("Enter")
    expect(tag_box).to_have_value("wind power, ")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(slug="steppe-wind-farms-draw-japanese-lenders")
    assert set(article.tags.names()) == {"wind power"}
    assert [country.name for country in article.countries.all()] == ["Kazakhstan"]
    on_page(page, f"/admin/articles/article/{article.pk}/change/")

    page.locator("#id_title").fill("Steppe wind farms draw Japanese banks")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.locator(".object-tools").get_by_role("link", name="History").click()
    on_page(page, f"/admin/articles/article/{article.pk}/history/")
    # reversion-compare hides the newest revision's "from" button with an inline style, the
    # one inline style the policy allows (by its hash).
    newest = page.locator("#change-history tbody tr").first
    expect(newest.locator("input[name=version_id1]")).to_be_hidden()
    page.get_by_role("button", name="compare").click()
    on_page(page, f"/admin/articles/article/{article.pk}/history/compare/")
    expect(page.locator(".word-diff del", has_text="lenders")).to_be_visible()
    expect(page.locator(".word-diff ins", has_text="banks")).to_be_visible()


def test_import_page_works_under_the_admin_policy(live_server, watched_page):
    page = watched_page
    sign_in(page, live_server)

    visit(page, live_server.url + "/admin/articles/article/import/")
    page.get_by_label("Paste the text").fill(
        "Rail freight via Aktau doubles\n\nThe port handled twice the containers.\n\n"
        "Tags: logistics"
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".messagelist")).to_contain_text("Imported “Rail freight via Aktau")
    expect(page.locator("#id_title")).to_have_value("Rail freight via Aktau doubles")
    article = Article.objects.get(title="Rail freight via Aktau doubles")
    on_page(page, f"/admin/articles/article/{article.pk}/change/")


def test_a_script_injected_into_an_admin_page_does_not_run(live_server, page):
    # A plain page: the violations below are the point, so they must not fail the test.
    page.add_init_script("window.__cspViolations = [];")
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', "
        "e => window.__cspViolations.push(e.violatedDirective));"
    )
    make_staff("root", password=PASSWORD)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("Summit newsroom")

    # What a stored XSS in an admin field would amount to: markup with an inline script, an
    # event handler and an inline style reaching the page.
    page.evaluate(
        """() => {
        const script = document.createElement('script');
        script.textContent = 'window.injected = true;';
        document.body.append(script);
        const box = document.createElement('div');
        box.innerHTML = '<img src="/static/favicon.svg" onload="window.injected = true">'
            + '<p id="restyled" style="display: none">Hidden by an injected style</p>';
        document.body.append(box);
    }"""
    )
    page.wait_for_timeout(300)  # the image loads; its handler would have run by now
    assert page.evaluate("window.injected") is None
    expect(page.locator("#restyled")).to_be_visible()
    assert set(page.evaluate("window.__cspViolations")) >= {
        "script-src-elem",
        "script-src-attr",
        "style-src-attr",
    }
