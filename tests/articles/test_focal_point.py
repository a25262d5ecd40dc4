"""The lead image's focal point: set in the admin, it decides the crops that cards and link
previews (the 1200x630 Open Graph image) show."""

import importlib
import json
import re
import uuid
from io import BytesIO, StringIO
from pathlib import Path, PurePosixPath

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles.models import Article
from summit import images
from summit.widgets import FocalPointWidget
from tests.factories import article_admin_data, make_article

pytestmark = pytest.mark.django_db

MIGRATION = "articles.migrations.0017_lead_image_focal_point"


def picture(size=(1200, 800), colour="teal", fmt="JPEG", red_corner: int = 0) -> bytes:
    """A picture of one colour, with a red square of `red_corner` pixels at the top-left."""
    image = Image.new("RGB", size, colour)
    if red_corner:
        image.paste("red", (0, 0, red_corner, red_corner))
    buffer = BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def stored(article: Article) -> set[str]:
    """File names in the folder of the article's image."""
    folder = Path(django_settings.MEDIA_ROOT) / PurePosixPath(article.lead_image.name).parent
    return {path.name for path in folder.iterdir()}


def open_stored(name: str) -> Image.Image:
    return Image.open(Path(django_settings.MEDIA_ROOT) / name)


def article_with_image(size=(1200, 800), focal=(50, 50), crops=True, **fields) -> Article:
    """A published article whose image has its renditions and (unless `crops` is False) its
    crops, as the admin leaves them."""
    article = make_article(
        "Pictured",
        lead_image_alt="A river valley",
        lead_image_focal_x=focal[0],
        lead_image_focal_y=focal[1],
        **fields,
    )
    article.lead_image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(picture(size)))
    images.make_renditions(article.lead_image)
    if crops:
        images.make_focal_crops(article.lead_image, *focal)
    return article


def admin_upload(client, size=(1200, 800), **fields) -> Article:
    photo = SimpleUploadedFile("photo.jpg", picture(size), "image/jpeg")
    data = article_admin_data(
        title="Pictured", lead_image_alt="A river valley", lead_image=photo, **fields
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(title="Pictured")


# The migration from the five keywords.


def test_the_migration_maps_each_keyword_to_its_point_and_back():
    migration = importlib.import_module(MIGRATION)
    assert migration.FOCAL_POINTS == {
        "center": (50, 50),
        "top": (50, 0),
        "bottom": (50, 100),
        "left": (0, 50),
        "right": (100, 50),
    }
    # Backwards, a point becomes the nearest keyword.
    assert [migration.keyword_for(x, y) for x, y in migration.FOCAL_POINTS.values()] == list(
        migration.FOCAL_POINTS
    )
    assert migration.keyword_for(45, 10) == "top"
    assert migration.keyword_for(90, 60) == "right"
    assert migration.keyword_for(55, 45) == "center"


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_stored_keywords_into_points():
    executor = MigrationExecutor(connection)
    before = [("articles", "0016_editors_desk")]
    after = [("articles", "0017_lead_image_focal_point")]
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        OldArticle = old_apps.get_model("articles", "Article")
        for keyword in ("center", "top", "bottom", "left", "right"):
            OldArticle.objects.create(
                title=keyword, slug=keyword, lead_image_focus=keyword, status="draft"
            )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new_apps = executor.loader.project_state(after).apps
        NewArticle = new_apps.get_model("articles", "Article")
        rows = {
            title: (x, y)
            for title, x, y in NewArticle.objects.values_list(
                "title", "lead_image_focal_x", "lead_image_focal_y"
            )
        }
        assert rows == {
            "center": (50, 50),
            "top": (50, 0),
            "bottom": (50, 100),
            "left": (0, 50),
            "right": (100, 50),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# Crop geometry.

SIZES = [(1200, 800), (800, 1200), (2000, 500), (640, 640), (301, 97)]
FOCAL_POINTS = [(0, 0), (100, 0), (0, 100), (100, 100), (50, 50), (3, 97), (50, 0), (100, 50)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("ratio", [images.CARD_RATIO, images.OG_IMAGE_SIZE], ids=["card", "og"])
@pytest.mark.parametrize("focal", FOCAL_POINTS, ids=lambda p: f"at-{p[0]}-{p[1]}")
def test_the_crop_is_the_largest_box_of_the_ratio_inside_the_picture_around_the_point(
    size, ratio, focal
):
    width, height = size
    left, top, right, bottom = images.crop_box(width, height, ratio, *focal)
    box_width, box_height = right - left, bottom - top
    # Inside the picture, and as large as it can be: the full width or the full height.
    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    assert box_width == width or box_height == height
    # The ratio, to the pixel rounding.
    assert abs(box_width * ratio[1] - box_height * ratio[0]) <= max(ratio)
    # The focal point is in the box, and central unless an edge of the picture is in the way.
    x, y = width * focal[0] / 100, height * focal[1] / 100
    assert left <= x <= right and top <= y <= bottom
    if 0 < left and right < width:
        assert abs((left + right) / 2 - x) <= 1
    if 0 < top and bottom < height:
        assert abs((top + bottom) / 2 - y) <= 1


def test_crops_have_exact_sizes_and_the_og_image_is_exactly_1200_by_630():
    article = article_with_image(size=(2000, 1000), focal=(30, 40))
    name = article.lead_image.name
    for width, height in ((480, 320), (960, 640)):
        with open_stored(images.card_crop_name(name, 30, 40, width)) as crop:
            assert (crop.format, crop.size) == ("WEBP", (width, height))
    with open_stored(images.og_image_name(name, 30, 40)) as social:
        assert (social.format, social.size) == ("JPEG", (1200, 630))


def test_a_small_picture_is_enlarged_for_the_og_image_and_cards_get_its_own_width():
    article = article_with_image(size=(400, 300))
    name = article.lead_image.name
    with open_stored(images.og_image_name(name, 50, 50)) as social:
        assert social.size == (1200, 630)
    assert images.card_widths(400, 300) == [400]
    with open_stored(images.card_crop_name(name, 50, 50, 400)) as crop:
        assert crop.size == (400, 267)


@pytest.mark.parametrize(
    ("focal", "top_left_is_red"), [((0, 0), True), ((100, 50), False)], ids=["near", "far"]
)
def test_the_crop_keeps_what_is_at_the_focal_point(focal, top_left_is_red):
    # A wide picture, red in its top-left corner: a crop around that corner keeps the red.
    article = make_article("Wide", lead_image_alt="A wide view")
    article.lead_image.save(
        f"{uuid.uuid4().hex}.png", ContentFile(picture((3000, 600), "blue", "PNG", red_corner=60))
    )
    images.make_focal_crops(article.lead_image, *focal)
    with open_stored(images.og_image_name(article.lead_image.name, *focal)) as social:
        red, _green, blue = social.convert("RGB").getpixel((2, 2))
    assert (red > 200 and blue < 60) is top_left_is_red


def test_crop_names_carry_the_focal_point_and_count_as_renditions_of_their_original():
    name = f"articles/2026/11/{'a' * 32}.jpg"
    card = images.card_crop_name(name, 7, 93, 480)
    social = images.og_image_name(name, 7, 93)
    assert card == f"articles/2026/11/{'a' * 32}-card-7x93-480w.webp"
    assert social == f"articles/2026/11/{'a' * 32}-og-7x93.jpg"
    assert images.card_crop_name(name, 8, 93, 480) != card
    assert images.rendition_of(card) == images.rendition_of(social) == "a" * 32
    assert images.rendition_of(f"{'a' * 32}-og-7x93.png") is None


def test_deleting_an_image_deletes_its_crops_and_orphan_crops_are_removed():
    article = article_with_image()
    name = article.lead_image.name
    assert len(stored(article)) == 1 + 2 + 3  # original, renditions, crops
    assert images.delete_image(article.lead_image.storage, name)
    assert not (Path(django_settings.MEDIA_ROOT) / name).parent.exists() or not stored(article)

    orphan = article_with_image(crops=True)
    Article.objects.filter(pk=orphan.pk).update(lead_image="")
    out = StringIO()
    call_command("remove_orphan_media", min_age=0, stdout=out)
    assert "Deleted 6 files (1 originals, 5 renditions)" in out.getvalue()


# Saving in the admin.


def test_admin_upload_makes_the_crops_around_the_focal_point(editor):
    article = admin_upload(editor, lead_image_focal_x=20, lead_image_focal_y=30)
    stem = PurePosixPath(article.lead_image.name).stem
    assert {f"{stem}-card-20x30-480w.webp", f"{stem}-card-20x30-960w.webp"} <= stored(article)
    assert f"{stem}-og-20x30.jpg" in stored(article)


def test_saving_only_a_new_focal_point_makes_new_crops_and_deletes_the_old(editor):
    article = admin_upload(editor)
    stem = PurePosixPath(article.lead_image.name).stem
    before = stored(article)
    assert f"{stem}-og-50x50.jpg" in before

    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor.post(
        url, article_admin_data(article, lead_image_focal_x=80, lead_image_focal_y=10)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.lead_image_focal_x, article.lead_image_focal_y) == (80, 10)
    assert PurePosixPath(article.lead_image.name).stem == stem  # the same picture
    after = stored(article)
    assert after == {
        f"{stem}.jpg",
        f"{stem}-480w.webp",
        f"{stem}-960w.webp",
        f"{stem}-card-80x10-480w.webp",
        f"{stem}-card-80x10-960w.webp",
        f"{stem}-og-80x10.jpg",
    }


@pytest.mark.parametrize("value", ["101", "-1", "left", "12.5"])
def test_a_focal_point_outside_the_picture_or_not_a_number_is_a_form_error(editor, value):
    article = admin_upload(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor.post(url, article_admin_data(article, lead_image_focal_x=value))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "lead_image_focal_x" in errors
    assert re.search(
        r"less than or equal to 100|greater than or equal to 0|whole number", str(errors)
    )
    article.refresh_from_db()
    assert article.lead_image_focal_x == 50


def test_an_emptied_focal_point_box_keeps_the_saved_value(editor):
    article = admin_upload(editor, lead_image_focal_x=20, lead_image_focal_y=30)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor.post(url, article_admin_data(article, lead_image_focal_x=""))
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.lead_image_focal_x, article.lead_image_focal_y) == (20, 30)


def test_the_database_refuses_a_focal_point_outside_the_picture():
    article = make_article("Bounded")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(lead_image_focal_y=101)


# What readers and link previews get.


def test_the_home_page_card_shows_the_crops_with_srcset(client):
    article = article_with_image(size=(2000, 1000), focal=(20, 30), featured=True)
    stem = PurePosixPath(article.lead_image.name).stem
    page = client.get(reverse("home")).content.decode()
    card = re.search(r'<img class="card-image"[^>]*>', page)
    assert card, "the lead story shows its picture"
    tag = card.group()
    assert f"{stem}-card-20x30-480w.webp 480w" in tag
    assert f"{stem}-card-20x30-960w.webp 960w" in tag
    assert (
        f'src="/media/{PurePosixPath(article.lead_image.name).parent}/{stem}-card-20x30-480w.webp"'
        in tag
    )
    assert 'width="960" height="640"' in tag
    assert 'alt="A river valley"' in tag


def test_the_article_page_keeps_the_whole_picture_placed_on_the_focal_point(client):
    article = article_with_image(size=(2000, 1000), focal=(20, 30))
    page = client.get(article.get_absolute_url()).content.decode()
    image = re.search(r'<img class="lead-image[^>]*>', page).group()
    assert "focal-x-20 focal-y-30" in image
    assert "-card-" not in image
    assert 'width="2000" height="1000"' in image


def og_meta(page: str) -> dict[str, str]:
    return dict(
        re.findall(r'<meta (?:property|name)="((?:og|twitter):image[^"]*)" content="([^"]*)"', page)
    )


def test_link_previews_get_the_1200_by_630_crop_with_its_size(client):
    article = article_with_image(focal=(20, 30))
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    social = "http://testserver" + article.lead_image.storage.url(
        images.og_image_name(article.lead_image.name, 20, 30)
    )
    meta = og_meta(page)
    assert meta["og:image"] == meta["twitter:image"] == social
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:image:alt"] == "A river valley"
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert ld["image"] == [social]


def test_an_image_stored_without_renditions_is_shared_as_it_is(client):
    article = make_article("Legacy", lead_image_alt="Old photo")
    article.lead_image.save("old-photo.jpg", ContentFile(picture((900, 600))))
    meta = og_meta(client.get(article.get_absolute_url()).content.decode())
    assert meta["og:image"].endswith("/old-photo.jpg")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("900", "600")


def test_pages_with_crops_cost_no_query_more_than_without(client, django_assert_max_num_queries):
    # Crop addresses come from file names: the page reads what it read before crops existed.
    plain = make_article("Plain")
    client.get(plain.get_absolute_url())
    with CaptureQueriesContext(connection) as without_image:
        client.get(plain.get_absolute_url())
    article = article_with_image()
    client.get(article.get_absolute_url())
    with django_assert_max_num_queries(len(without_image)):
        assert client.get(article.get_absolute_url()).status_code == 200


# The command for images saved another way.


def test_the_command_makes_missing_crops_and_leaves_legacy_images_alone():
    article = article_with_image(focal=(10, 90), crops=False)
    legacy = make_article("Legacy", lead_image_alt="Old photo")
    legacy.lead_image.save("old-photo.jpg", ContentFile(picture((900, 600))))
    out = StringIO()
    call_command("make_lead_image_renditions", stdout=out)
    assert "crops of 1" in out.getvalue() and "1 stored before renditions" in out.getvalue()
    stem = PurePosixPath(article.lead_image.name).stem
    assert f"{stem}-og-10x90.jpg" in stored(article)
    again = StringIO()
    call_command("make_lead_image_renditions", stdout=again)
    assert "renditions of 0 images and the crops of 0" in again.getvalue()


# The picker in the admin.


def test_the_picker_shows_the_picture_and_the_numbers_without_inline_style_or_script(editor):
    article = admin_upload(editor, lead_image_focal_x=20, lead_image_focal_y=30)
    response = editor.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    stem = PurePosixPath(article.lead_image.name).stem
    picker = re.search(r'<div class="focal-point".*?data-focal-announce="[^"]*"></p></div>', page)
    assert picker
    assert 'data-focal-x="id_lead_image_focal_x"' in picker.group()
    assert 'data-focal-y="id_lead_image_focal_y"' in picker.group()
    assert f"{stem}-960w.webp" in picker.group()  # a rendition, not the original
    assert re.search(
        r'<input type="number" name="lead_image_focal_x" value="20"[^>]*max="100"', page
    )
    assert re.search(r'<input type="number" name="lead_image_focal_y" value="30"', page)
    assert '<script src="/static/summit/js/focal_point.js"' in page
    assert 'href="/static/summit/css/focal_point.css"' in page

    widget = FocalPointWidget(axis="x", partner_id="id_y", image_url="/media/a.webp")
    html = widget.render("focal_x", 20, {"id": "id_x"})
    assert "style=" not in html and "<script" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_before_an_image_is_saved_the_picker_is_two_number_boxes(editor):
    response = editor.get(reverse("admin:articles_article_add"))
    page = response.content.decode()
    assert 'class="focal-point"' not in page
    assert re.search(r'<input type="number" name="lead_image_focal_x" value="50"', page)
    assert "Once the image is saved" in page
