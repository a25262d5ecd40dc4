"""The focal point picker in the article form: click or arrow keys set the two numbers, the
marker follows them, and saving makes the crops the home page's lead story shows."""

import os
import uuid
from io import BytesIO
from pathlib import Path, PurePosixPath

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from articles.models import Article
from summit import images
from tests.browser.conftest import visit
from tests.factories import make_article, make_editor

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# Where to keep screenshots for a person to look at; unset, none are taken.
SCREENSHOTS = os.environ.get("SUMMIT_SCREENSHOTS", "")


def landscape() -> bytes:
    """A 3:1 landscape: sky, a red tower at the right, grass."""
    image = Image.new("RGB", (1800, 600), (135, 185, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 1800, 600), fill=(80, 140, 70))
    draw.rectangle((1440, 120, 1560, 440), fill=(190, 40, 40))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def serve_media(page) -> None:
    # The live server runs without DEBUG, so it does not serve uploads; the browser gets them here.
    root = Path(settings.MEDIA_ROOT)

    def fulfil(route):
        path = root / route.request.url.split("/media/", 1)[1]
        if path.is_file():
            kind = {".webp": "image/webp", ".jpg": "image/jpeg"}.get(path.suffix, "image/png")
            route.fulfill(status=200, content_type=kind, body=path.read_bytes())
        else:
            route.fulfill(status=404, body=b"")

    page.route("**/media/**", fulfil)


def article_with_landscape(**fields) -> Article:
    article = make_article("Tower over the steppe", lead_image_alt="A red tower", **fields)
    article.lead_image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(landscape()))
    images.make_renditions(article.lead_image)
    images.make_focal_crops(article.lead_image, 50, 50)
    return article


def sign_in(page, live_server, username: str) -> None:
    visit(page, live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def shoot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_clicking_and_arrow_keys_set_the_focal_point_and_saving_crops_around_it(
    live_server, watched_page, viewport
):
    make_editor("desk", password=PASSWORD)
    article = article_with_landscape(published=False)
    page = watched_page
    page.set_viewport_size(viewport)
    serve_media(page)
    sign_in(page, live_server, "desk")
    visit(page, f"{live_server.url}/admin/articles/article/{article.pk}/change/")

    across = page.locator("#id_lead_image_focal_x")
    down = page.locator("#id_lead_image_focal_y")
    picture = page.locator(".focal-point-picture")
    marker = page.locator(".focal-point-marker")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.focal-point-picture img').complete")
    expect(marker).to_be_visible()
    box = picture.bounding_box()
    # The tower stands at 83% across, 47% down.
    picture.click(position={"x": box["width"] * 0.83, "y": box["height"] * 0.47})
    assert abs(int(across.input_value()) - 83) <= 1
    assert abs(int(down.input_value()) - 47) <= 1
    expect(picture).to_be_focused()
    picture.press("ArrowLeft")
    picture.press("Shift+ArrowUp")
    x, y = int(across.input_value()), int(down.input_value())
    assert abs(x - 82) <= 1 and abs(y - 37) <= 1
    assert marker.evaluate("el => [el.style.left, el.style.top]") == [f"{x}%", f"{y}%"]
    expect(page.locator("[data-focal-announce]")).to_have_text(
        f"Focal point: {x}% across, {y}% down"
    )
    # Typing a number moves the marker too.
    down.fill("45")
    assert marker.evaluate("el => el.style.top") == "45%"
    shoot(page, f"focal-point-picker-{'phone' if viewport is PHONE else 'desktop'}")

    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Article.objects.get(pk=article.pk)
    assert (saved.lead_image_focal_x, saved.lead_image_focal_y) == (x, 45)
    folder = Path(settings.MEDIA_ROOT) / PurePosixPath(saved.lead_image.name).parent
    stem = PurePosixPath(saved.lead_image.name).stem
    assert (folder / f"{stem}-og-{x}x45.jpg").is_file()
    assert not (folder / f"{stem}-og-50x50.jpg").exists()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_lead_story_card_shows_the_crop_around_the_focal_point(
    live_server, watched_page, viewport
):
    article = article_with_landscape(featured=True)
    images.make_focal_crops(article.lead_image, 83, 47)
    Article.objects.filter(pk=article.pk).update(lead_image_focal_x=83, lead_image_focal_y=47)
    page = watched_page
    page.set_viewport_size(viewport)
    serve_media(page)
    visit(page, live_server.url + "/")
    card = page.locator(".lead-story img.card-image")
    card.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.lead-story img').complete")
    assert "-card-83x47-" in card.evaluate("el => el.currentSrc")
    width, height = card.evaluate("el => [el.clientWidth, el.clientHeight]")
    assert abs(width / height - 1.5) < 0.02
    # The red tower at the focal point is in the crop (the picture's right edge stops the
    # box from centring on it, so it stands right of the middle).
    crop = Path(settings.MEDIA_ROOT) / images.card_crop_name(article.lead_image.name, 83, 47, 480)
    with Image.open(crop) as shown:
        red, green, blue = shown.convert("RGB").getpixel((320, 144))
    assert red > 150 and green < 90 and blue < 90
    shoot(page, f"focal-point-card-{'phone' if viewport is PHONE else 'desktop'}")
