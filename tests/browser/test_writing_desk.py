"""A Contributor writes an article at the writing desk and submits it for review.

Toolbar shortcut, live preview, an image from the media library placed in the body and shown
as a figure in the preview, then "Submit for review" with a note: the article is in review.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image as PillowImage
from playwright.sync_api import expect

from articles.models import Article
from media_library.models import Image
from tests.browser.conftest import visit
from tests.factories import make_contributor

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple"
STEP_TIMEOUT_MS = 5_000


def library_image() -> Image:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (120, 80), (30, 110, 70)).save(buffer, "PNG")
    return Image.objects.create(
        file=ContentFile(buffer.getvalue(), name="steppe.png"),
        alt_text="Turbines on the steppe near Ereymentau",
        caption="The Ereymentau wind farm",
        credit="Summit",
    )


def serve_uploads(page) -> None:
    """The live server runs without DEBUG and serves no uploads; the browser gets them here."""
    root = Path(settings.MEDIA_ROOT)

    def fulfil(route) -> None:
        name = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?")[0]
        path = (root / name).resolve()
        if root.resolve() in path.parents and path.is_file():
            route.fulfill(status=200, content_type="image/png", body=path.read_bytes())
        else:
            route.fulfill(status=404, body="")

    page.route(f"**{settings.MEDIA_URL}**", fulfil)


def sign_in(page, live_server, username: str) -> None:
    visit(page, live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("Summit newsroom")


def test_contributor_writes_with_an_inline_image_and_submits_for_review(live_server, watched_page):
    make_contributor("writer", password=PASSWORD)
    image = library_image()
    page = watched_page
    page.set_default_timeout(STEP_TIMEOUT_MS)
    serve_uploads(page)
    sign_in(page, live_server, "writer")

    visit(page, live_server.url + "/admin/articles/article/add/")
    page.locator("#id_title").fill("Steppe wind farms draw Japanese lenders")
    page.locator("#id_title").press("End")  # the admin fills the slug on key presses
    page.locator("#id_dek").fill("A first wind project finance deal closes in Kazakhstan.")

    # Typing: the word count follows at once, the preview a moment later.
    body = page.locator("#id_body")
    body.click()
    body.press_sequentially("Turbines rise near Ereymentau")
    status = page.locator(".md-status")
    expect(status).to_contain_text("Words: 4", use_inner_text=True)
    expect(status).to_contain_text("Reading time: 1 min", use_inner_text=True)
    preview = page.locator("[data-md-preview]")
    expect(preview).to_have_text("Turbines rise near Ereymentau")

    # Bold by keyboard shortcut on the last word.
    body.press("Control+Shift+ArrowLeft")
    body.press("Control+b")
    expect(body).to_have_value("Turbines rise near **Ereymentau**")
    expect(preview.locator("strong")).to_have_text("Ereymentau")
    # Native undo takes the toolbar's change back, and redo puts it again.
    body.press("Control+z")
    expect(body).to_have_value("Turbines rise near Ereymentau")
    body.press("Control+Shift+z")
    expect(body).to_have_value("Turbines rise near **Ereymentau**")

    # The image button opens the picker; choosing an image puts it in on its own line.
    body.press("End")
    page.get_by_role("button", name="Image from the library").click()
    picker = page.get_by_role("dialog", name="Insert an image")
    expect(picker).to_be_visible()
    expect(picker.get_by_role("searchbox")).to_be_focused()
    expect(picker.get_by_role("link", name=re.compile("Upload a new image"))).to_have_attribute(
        "target", "_blank"
    )
    picker.get_by_role("button", name=re.compile("Turbines on the steppe")).click()
    expect(picker).to_be_hidden()
    expect(body).to_be_focused()
    expect(body).to_have_value(
        "Turbines rise near **Ereymentau**\n\n"
        f'![Turbines on the steppe near Ereymentau](image:{image.pk} "The Ereymentau wind farm")'
        "\n\n"
    )
    figure = preview.locator("figure")
    expect(figure.locator("img")).to_have_attribute("alt", "Turbines on the steppe near Ereymentau")
    expect(figure.locator("figcaption")).to_contain_text("The Ereymentau wind farm")
    page.wait_for_function(
        "document.querySelector('[data-md-preview] figure img').naturalWidth > 0"
    )

    # Submitting for review, with a note for the editors.
    submit = page.locator("input[name=_submit_for_review]")
    if submit.count() == 0:
        pytest.skip("the change form has no “Submit for review” button (review workflow)")
    page.locator("textarea[name=review_note]").fill("Ready: the lenders confirmed the figures.")
    submit.click()
    expect(page.locator(".messagelist")).to_be_visible()

    article = Article.objects.get(slug="steppe-wind-farms-draw-japanese-lenders")
    assert article.status == Article.Status.REVIEW
    assert f"(image:{image.pk} " in article.body
    assert article.body.startswith("Turbines rise near **Ereymentau**")


def select(textarea, start: int, end: int) -> None:
    textarea.evaluate("(el, [start, end]) => el.setSelectionRange(start, end)", [start, end])


def selected_text(textarea) -> str:
    return textarea.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)")


def test_toolbar_formats_the_text_and_the_preview_follows(live_server, watched_page):
    make_contributor("writer", password=PASSWORD)
    page = watched_page
    page.set_default_timeout(STEP_TIMEOUT_MS)
    sign_in(page, live_server, "writer")
    visit(page, live_server.url + "/admin/articles/article/add/")
    body = page.locator("#id_body")
    toolbar = page.get_by_role("toolbar", name="Formatting")
    preview = page.locator("[data-md-preview]")

    # Heading on an empty line: a level-2 heading with its placeholder selected to type over.
    toolbar.get_by_role("button", name="Heading").click()
    expect(body).to_have_value("## Heading")
    assert selected_text(body) == "Heading"
    body.press_sequentially("Lenders")
    expect(preview.locator("h2")).to_have_text("Lenders")
    # Again: a smaller heading; a third time: none.
    toolbar.get_by_role("button", name="Heading").click()
    expect(body).to_have_value("### Lenders")
    toolbar.get_by_role("button", name="Heading").click()
    expect(body).to_have_value("Lenders")

    # Lists and quotes apply to every selected line, and toggle off.
    body.fill("Lenders\nJICA\nADB")
    select(body, 8, 16)
    toolbar.get_by_role("button", name="Bulleted list").click()
    expect(body).to_have_value("Lenders\n- JICA\n- ADB")
    toolbar.get_by_role("button", name="Numbered list").click()
    expect(body).to_have_value("Lenders\n1. JICA\n2. ADB")
    expect(preview.locator("ol li")).to_have_count(2)
    toolbar.get_by_role("button", name="Numbered list").click()
    expect(body).to_have_value("Lenders\nJICA\nADB")
    select(body, 0, 0)
    body.press("Control+Shift+Period")
    expect(body).to_have_value("> Lenders\nJICA\nADB")
    expect(preview.locator("blockquote")).to_contain_text("Lenders")

    # Ctrl+K on a word links it, with the address selected to type over.
    body.fill("Read the JICA report")
    select(body, 9, 13)
    body.press("Control+k")
    expect(body).to_have_value("Read the [JICA](https://) report")
    assert selected_text(body) == "https://"
    body.press_sequentially("https://www.jica.go.jp/")
    expect(preview.locator("a")).to_have_attribute("href", "https://www.jica.go.jp/")
    # Italic, then italic again, takes the stars away.
    select(body, 0, 4)
    body.press("Control+i")
    expect(body).to_have_value("*Read* the [JICA](https://www.jica.go.jp/) report")
    body.press("Control+i")
    expect(body).to_have_value("Read the [JICA](https://www.jica.go.jp/) report")

    # A table goes in as a paragraph of its own after the text.
    body.press("End")
    toolbar.get_by_role("button", name="Table").click()
    expect(preview.locator("table th")).to_have_count(2)
    assert selected_text(body) == "Column 1"

    # One tab stop for the toolbar; arrow keys move along it.
    toolbar.get_by_role("button", name="Heading").focus()
    page.keyboard.press("ArrowRight")
    expect(toolbar.get_by_role("button", name="Bold")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(toolbar.get_by_role("button", name="Image from the library")).to_be_focused()

    # Japanese is counted in characters, as its reading time is.
    page.locator("#id_language").select_option("ja")
    body.fill("風力発電所が 建つ")
    expect(page.locator(".md-status")).to_contain_text("Characters: 8", use_inner_text=True)
    page.locator("#id_language").select_option("en")

    # A body too long to preview says so, without asking the server; the text stays.
    body.fill("word " * 40_001)
    expect(page.locator(".md-preview-error")).to_contain_text("too long to preview")
    expect(page.locator(".md-status")).to_contain_text("Words: 40,001", use_inner_text=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_editor_and_picker_have_no_serious_accessibility_problems(live_server, page, scheme):
    # A plain page, not `watched_page`: axe injects styles that the admin's CSP reports.
    make_contributor("writer", password=PASSWORD)
    library_image()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.emulate_media(color_scheme=scheme)
    serve_uploads(page)
    sign_in(page, live_server, "writer")
    visit(page, live_server.url + "/admin/articles/article/add/")
    page.locator("#id_body").fill("## Lenders\n\nTurbines rise near **Ereymentau**.")
    expect(page.locator("[data-md-preview] h2")).to_have_text("Lenders")
    page.get_by_role("button", name="Image from the library").click()
    expect(page.locator(".md-picker-item")).to_have_count(1)

    results = Axe().run(page, context={"include": [[".md-editor"], ["dialog.md-picker"]]})
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert blocking == [], blocking
