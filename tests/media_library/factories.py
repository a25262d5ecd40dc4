"""Media-library images for tests: real pictures, stored as an upload through the admin is."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Picture

from media_library.models import Image
from summit import images


def picture_bytes(fmt: str = "JPEG", size=(1200, 800), mode: str = "RGB", **save_options) -> bytes:
    buffer = BytesIO()
    Picture.new(mode, size, "teal" if mode == "RGB" else 1).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def make_image(
    alt_text: str = "Wind turbines on the steppe",
    *,
    caption: str = "",
    credit: str = "",
    size=(1200, 800),
    renditions: bool = True,
    file_name: str = "",
    **fields,
) -> Image:
    """A saved library image: a cleaned upload under a random name, with its renditions.

    With `file_name`, stored under that name instead, as images stored by hand or before the
    upload rules were.
    """
    stored = images.clean_upload(SimpleUploadedFile("photo.jpg", picture_bytes(size=size)))
    image = Image(alt_text=alt_text, caption=caption, credit=credit, **fields)
    image.file.save(file_name or stored.name, stored, save=False)
    image.save()
    if renditions:
        image.make_renditions()
    return image


def make_article_showing(*library_images: Image, title: str | None = None, **fields):
    """A published article whose body shows these images, saved through the write path (which
    links it to them)."""
    from tests.factories import make_article

    article = make_article(title, **fields)
    article.body = "\n\n".join(
        ["Turbines are rising near Ereymentau."]
        + [f"![{image.alt_text}](image:{image.pk})" for image in library_images]
    )
    article.save_revision(user=None, comment="Images placed")
    return article
