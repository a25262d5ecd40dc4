"""Reading on a phone: a real menu, no page that scrolls sideways, capped lead images, and
chart labels that keep their size whatever the width."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import visit

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
SECTIONS = [
    "Articles",
    "Countries",
    "Cooperation areas",
    "Tags",
    "Coverage",
    "Archive",
    "Search",
]
ARTICLE = "/articles/central-asia-japan-dialogue-summit/"
DOCUMENT_WIDTH = "[document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def assert_no_sideways_scroll(page):
    document_width, window_width = page.evaluate(DOCUMENT_WIDTH)
    assert document_width <= window_width, f"{page.url} is {document_width}px wide"


def test_phone_menu_lists_every_section_and_navigates(live_server, site, phone):
    visit(phone, live_server.url + "/")
    expect(phone.locator(".site-nav .nav-inline")).to_be_hidden()
    menu = phone.locator(".site-nav .nav-menu")
    button = menu.locator("summary")
    expect(button).to_have_text("Menu")
    expect(menu.get_by_role("link", name="Coverage", exact=True)).to_be_hidden()

    button.click()
    for name in SECTIONS:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert_no_sideways_scroll(phone)

    menu.get_by_role("link", name="Coverage", exact=True).click()
    expect(phone.locator("h1")).to_have_text("Coverage")

    # The keyboard opens it too: the summary is a button.
    button.focus()
    phone.keyboard.press("Enter")
    archive = menu.get_by_role("link", name="Archive", exact=True)
    expect(archive).to_be_visible()
    archive.click()
    expect(phone).to_have_url(re.compile(r"/archive/$"))
    # The menu marks where the reader is.
    button.click()
    expect(archive).to_have_attribute("aria-current", "page")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/coverage/"])
def test_phone_layout_has_no_serious_accessibility_violations(
    live_server, site, phone, path, scheme
):
    phone.emulate_media(color_scheme=scheme)
    visit(phone, live_server.url + path)
    phone.locator(".nav-menu summary").click()
    violations = Axe().run(phone).response["violations"]
    blocking = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert blocking == []


def test_desktop_shows_the_sections_inline_archive_included(live_server, site, page):
    page.set_viewport_size(DESKTOP)
    visit(page, live_server.url + "/")
    expect(page.locator(".site-nav .nav-menu")).to_be_hidden()
    inline = page.locator(".site-nav .nav-inline")
    for name in SECTIONS[:-1]:  # the search box stands in for the Search link
        expect(inline.get_by_role("link", name=name, exact=True)).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/articles/",
        ARTICLE,
        "/coverage/",
        "/countries/",
        "/countries/kazakhstan/",
        "/areas/energy/",
        "/tags/",
        "/archive/",
        "/search/?q=energy",
    ],
)
def test_page_does_not_scroll_sideways_on_a_phone(live_server, site, phone, path):
    visit(phone, live_server.url + path)
    assert_no_sideways_scroll(phone)
    phone.locator(".nav-menu summary").click()
    assert_no_sideways_scroll(phone)


def test_coverage_matrix_scrolls_in_its_own_box_with_countries_pinned(live_server, site, phone):
    visit(phone, live_server.url + "/coverage/")
    assert_no_sideways_scroll(phone)
    box = phone.locator(".table-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    expect(phone.locator(".coverage-matrix .scroll-hint")).to_be_visible()
    country = phone.locator(".coverage-matrix tbody th").first
    before = country.bounding_box()["x"]
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert box.evaluate("el => el.scrollLeft") > 0
    assert country.bounding_box()["x"] == pytest.approx(before, abs=1)
    # Area names stand upright, so every column is narrow enough for a few to share the screen.
    first_area = phone.locator(".coverage-matrix thead th").nth(1)
    assert first_area.bounding_box()["width"] < 60


def portrait_png(width: int = 800, height: int = 1200) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def portrait_article(site):
    article = Article.objects.get(slug="central-asia-japan-dialogue-summit")
    article.lead_image.save("portrait.png", ContentFile(portrait_png()), save=False)
    article.lead_image_alt = "A tall photograph"
    article.lead_image_focal_x, article.lead_image_focal_y = 50, 0  # the top
    article.save()
    return article


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_portrait_lead_image_height_is_capped(live_server, portrait_article, browser, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    image_bytes = portrait_png()
    # The live server runs without DEBUG, so it does not serve uploads; the browser gets them here.
    page.route(
        "**/media/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=image_bytes),
    )
    visit(page, live_server.url + portrait_article.get_absolute_url())
    image = page.locator(".lead-figure img")
    expect(image).to_have_class(re.compile(r"\bfocal-y-0\b"))
    page.wait_for_function("document.querySelector('.lead-figure img').complete")
    width, height = image.evaluate("el => [el.clientWidth, el.clientHeight]")
    # Uncapped, a 2:3 portrait would be one and a half times as tall as it is wide.
    assert height < width * 1.5 - 1
    assert height <= min(viewport["height"] * 0.7, viewport["width"], 640) + 1
    assert image.evaluate("el => getComputedStyle(el).objectFit") == "cover"
    assert image.evaluate("el => getComputedStyle(el).objectPosition") == "50% 0%"
    context.close()


def chart_label_px(page) -> float:
    """The rendered size of a month label: its font size times the SVG's scale on screen."""
    return page.evaluate(
        """() => {
          const label = document.querySelector('.coverage-chart .chart-axis');
          return parseFloat(getComputedStyle(label).fontSize) * label.getScreenCTM().a;
        }"""
    )


@pytest.mark.parametrize("path", ["/countries/kazakhstan/", "/areas/energy/"])
def test_chart_labels_keep_their_size_at_phone_and_desktop_widths(live_server, site, page, path):
    sizes = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        visit(page, live_server.url + path)
        sizes.append(chart_label_px(page))
    phone_size, desktop_size = sizes
    assert phone_size == pytest.approx(desktop_size, abs=0.5)
    assert 11 <= phone_size <= 14
