"""axe-core finds no serious or critical accessibility problem on any kind of page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import visit

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_KINDS = {
    "home": ("/", 200),
    "list with facets": ("/articles/?country=kazakhstan", 200),
    "article": ("/articles/central-asia-japan-dialogue-summit/", 200),
    "tag": ("/tags/jica/", 200),
    "tag index": ("/tags/", 200),
    "country": ("/countries/kazakhstan/", 200),
    "country index with map": ("/countries/", 200),
    "area": ("/areas/energy/", 200),
    "area index": ("/areas/", 200),
    "search with results": ("/search/?q=energy", 200),
    "coverage matrix": ("/coverage/", 200),
    "author": ("/authors/haruka-morimoto/", 200),
    "archive": ("/archive/", 200),
    "not found": ("/no-such-page/", 404),
}

BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_page_has_no_serious_accessibility_violations(
    live_server, site, watched_page, axe, kind, scheme
):
    path, status = PAGE_KINDS[kind]
    watched_page.emulate_media(color_scheme=scheme)
    visit(watched_page, live_server.url + path, status=status)
    results = axe.run(watched_page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert blocking == [], blocking


@pytest.mark.parametrize("kind", list(PAGE_KINDS))
def test_page_structure_has_landmarks_one_h1_and_a_language(live_server, site, page, kind):
    path, status = PAGE_KINDS[kind]
    visit(page, live_server.url + path, status=status)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("header.site-header").count() == 1
    assert page.locator("footer.site-footer").count() == 1
    assert page.get_by_role("link", name="Skip to content").count() == 1
