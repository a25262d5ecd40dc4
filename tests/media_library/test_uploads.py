"""Uploading to the media library: the lead image's safe-upload rules, renditions, uploader."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags
from PIL import Image as Picture

from articles.models import Article
from media_library.models import Image
from summit import images
from tests.factories import article_admin_data
from tests.media_library.factories import make_image, picture_bytes

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:media_library_image_add")


def jpeg_with_gps() -> bytes:
    exif = Picture.Exif()
    exif[ExifTags.Base.Make] = "Spy Camera Co"
    exif[ExifTags.Base.Orientation] = 6  # taken rotated: must be turned upright
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 14.0, 21.0)
    return picture_bytes("JPEG", size=(1200, 800), exif=exif.tobytes())


def upload(client, name: str, content: bytes, content_type: str = "image/jpeg", **fields):
    data = {
        "file": SimpleUploadedFile(name, content, content_type),
        "alt_text": "Wind turbines on the steppe",
        "caption": "",
        "credit": "",
        "focal_x": 50,
        "focal_y": 50,
        **fields,
    }
    return client.post(ADD_URL, data)


def stored_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_a_real_photo_is_stored_upright_without_metadata_under_a_random_name(editor):
    response = upload(editor, "IMG_0001.jpg", jpeg_with_gps(), caption="Near Ereymentau")
    assert response.status_code == 302
    image = Image.objects.get()
    name = Path(image.file.name)
    assert name.parts[0] == "library"
    assert name.suffix == ".jpg" and name.stem != "IMG_0001" and len(name.stem) == 32
    with Picture.open(image.file.path) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
        assert stored.size == (800, 1200)  # turned upright
    assert (image.width, image.height) == (800, 1200)
    assert image.caption == "Near Ereymentau"
    assert image.uploaded_by == editor.user


def test_webp_renditions_are_written_beside_the_upload(editor):
    upload(editor, "wide.png", picture_bytes("PNG", size=(2000, 1000)), "image/png")
    image = Image.objects.get()
    stem = Path(image.file.name).stem
    folder = str(Path(image.file.name).parent)
    assert stored_files() == {
        image.file.name,
        f"{folder}/{stem}-480w.webp",
        f"{folder}/{stem}-960w.webp",
        f"{folder}/{stem}-1600w.webp",
        # The 3:2 tiles around the focal point (the middle by default); no social crop, which
        # only an article's lead image is shown as.
        f"{folder}/{stem}-card-50x50-480w.webp",
        f"{folder}/{stem}-card-50x50-960w.webp",
    }
    assert image.thumbnail_url.endswith(f"{stem}-card-50x50-480w.webp")
    with Picture.open(Path(django_settings.MEDIA_ROOT) / folder / f"{stem}-480w.webp") as small:
        assert small.format == "WEBP" and small.size == (480, 240)


def test_a_contributor_may_upload(contributor):
    response = upload(contributor, "photo.jpg", picture_bytes())
    assert response.status_code == 302
    assert Image.objects.get().uploaded_by == contributor.user


BAD_UPLOADS = {
    "svg": ("map.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "svg named png": ("map.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    "html named jpg": ("photo.jpg", b"<html><body><script>alert(1)</script></body></html>"),
    "pdf": ("scan.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF"),
    "garbage named gif": ("photo.gif", b"GIF89a but really just text"),
    "truncated jpeg": ("photo.jpg", picture_bytes("JPEG")[:600]),
    "bmp": ("photo.bmp", picture_bytes("BMP", size=(40, 30))),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_files_that_are_not_raster_photos_are_refused_with_a_form_error(editor, case):
    name, content = BAD_UPLOADS[case]
    response = upload(editor, name, content)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["file"]
    assert "not a JPEG, PNG, WebP or GIF image" in errors[0], errors
    assert not Image.objects.exists()
    assert stored_files() == set()


def test_an_empty_file_is_refused(editor):
    response = upload(editor, "photo.jpg", b"")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"]
    assert not Image.objects.exists()


def test_a_file_over_the_size_limit_is_refused(editor, settings):
    settings.LEAD_IMAGE_MAX_BYTES = 20_000
    big = picture_bytes("PNG", size=(600, 600))
    big += b"\0" * max(0, 25_000 - len(big))
    response = upload(editor, "big.png", big, "image/png")
    assert response.status_code == 200
    assert "the limit is 19.5\xa0KB" in response.context["adminform"].form.errors["file"][0]
    assert stored_files() == set()


def test_too_many_pixels_is_refused(editor):
    # Just over 40 megapixels; one bit per pixel keeps the file tiny.
    response = upload(editor, "huge.png", picture_bytes("PNG", (8000, 5001), "1"), "image/png")
    assert response.status_code == 200
    assert "the limit is 40 megapixels" in response.context["adminform"].form.errors["file"][0]
    assert stored_files() == set()


def test_description_is_required(editor):
    response = upload(editor, "photo.jpg", picture_bytes(), alt_text="")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["alt_text"]
    assert not Image.objects.exists()


def test_the_focal_point_stays_inside_the_picture(editor):
    response = upload(editor, "photo.jpg", picture_bytes(), focal_x=101)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["focal_x"]


def test_replacing_the_file_deletes_the_old_one_and_its_renditions_after_commit(
    editor, django_capture_on_commit_callbacks
):
    image = make_image()
    old = stored_files()
    assert len(old) == 3  # the original and two renditions
    url = reverse("admin:media_library_image_change", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            url,
            {
                "file": SimpleUploadedFile("new.png", picture_bytes("PNG"), "image/png"),
                "alt_text": image.alt_text,
                "caption": "Replaced",
                "credit": "",
                "focal_x": 50,
                "focal_y": 50,
            },
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.file.name.endswith(".png")
    now = stored_files()
    assert not now & old
    # The new original, its two renditions and two 3:2 tiles.
    assert image.file.name in now and len(now) == 5


def test_editing_the_text_keeps_the_file(editor, django_capture_on_commit_callbacks):
    image = make_image()
    before = stored_files()
    url = reverse("admin:media_library_image_change", args=[image.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            url,
            {
                "alt_text": "Turbines",
                "caption": "New caption",
                "credit": "",
                "focal_x": 30,
                "focal_y": 60,
            },
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.caption, image.focal_x, image.focal_y) == ("New caption", 30, 60)
    stem = Path(image.file.name).with_suffix("")
    # The file and its renditions stay; the new focal point gets its own crops.
    assert stored_files() == before | {
        f"{stem}-card-30x60-480w.webp",
        f"{stem}-card-30x60-960w.webp",
    }
    assert image.thumbnail_url.endswith(f"{stem.name}-card-30x60-480w.webp")


def test_only_an_articles_lead_image_gets_an_open_graph_crop(editor):
    # The same photo, once into the library and once as a lead image, each through its admin.
    assert upload(editor, "photo.jpg", picture_bytes()).status_code == 302
    data = article_admin_data(
        title="Pictured",
        lead_image=SimpleUploadedFile("photo.jpg", picture_bytes(), "image/jpeg"),
        lead_image_alt="Wind turbines on the steppe",
        status="published",
        # The pre-publish checklist asks for more than this test gives.
        override_reason="beside the point here",
    )
    assert editor.post(reverse("admin:articles_article_add"), data).status_code == 302

    article = Article.objects.get(title="Pictured")
    social = images.og_image_name(article.lead_image.name, 50, 50)
    with Picture.open(Path(django_settings.MEDIA_ROOT) / social) as picture:
        assert (picture.format, picture.size) == ("JPEG", images.OG_IMAGE_SIZE)
    assert article.social_image["url"].endswith(Path(social).name)
    library = Image.objects.get()
    assert cards(library) <= stored_files()
    assert not [name for name in stored_files() if name.startswith("library/") and "-og-" in name]


def test_new_crops_of_a_library_image_drop_the_open_graph_crop_made_before(editor):
    image = make_image()
    # As library images were cropped before: with a 1200x630 social crop.
    images.make_focal_crops(image.file, 50, 50)
    old_social = images.og_image_name(image.file.name, 50, 50)
    assert old_social in stored_files()

    response = editor.post(
        reverse("admin:media_library_image_change", args=[image.pk]),
        {"alt_text": image.alt_text, "caption": "", "credit": "", "focal_x": 50, "focal_y": 10},
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert cards(image) <= stored_files()
    assert not [name for name in stored_files() if "-og-" in name]
    assert image.thumbnail_url.endswith(f"{Path(image.file.name).stem}-card-50x10-480w.webp")


def cards(image: Image) -> set[str]:
    """The storage names of a 1200 by 800 library image's card crops at its focal point."""
    return {
        images.card_crop_name(image.file.name, image.focal_x, image.focal_y, width)
        for width in images.CARD_WIDTHS
    }
