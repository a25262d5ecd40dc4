"""Lead images: only real raster images get in, stripped of metadata, with responsive renditions.

Pillow is used directly, not easy-thumbnails or sorl-thumbnail: Summit needs three fixed widths
of one image per article, made once when the image is uploaded. Both libraries make
thumbnails lazily while a page renders and keep a cache table or key-value store to remember
them, which means storage look-ups during page rendering and one more thing to run. Pillow is
already a dependency (Django's ImageField needs it) and its maintainers ship security fixes
for image parsers promptly.
"""

from __future__ import annotations

import io
import re
import uuid
import warnings
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> file extension. Opening with only these plugins means SVG, HTML,
# PDF, PSD, EPS and other formats are never even parsed.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Only colour data survives re-encoding; EXIF (GPS, camera serials), XMP and comments do not.
KEPT_INFO = ("icc_profile", "transparency")
RANDOM_NAME = re.compile(r"[0-9a-f]{32}")
# `<random name>-<width>w.webp`, as `rendition_name` writes it beside its original.
RENDITION_NAME = re.compile(r"(?P<stem>[0-9a-f]{32})-(?P<width>[1-9][0-9]*)w\.webp")
# Only marked for translation: a plain string here, translated where it is shown.
NOT_AN_IMAGE = gettext_noop(
    "This file is not a JPEG, PNG, WebP or GIF image. Upload a photo in one of those formats."
)


def clean_upload(upload) -> ContentFile:
    """A safe copy of an uploaded lead image, or a ValidationError saying what is wrong.

    The copy is re-encoded from the decoded pixels (so no metadata or trailing data rides
    along), turned upright according to its EXIF orientation, keeps only the first frame of
    an animation, and gets a random file name so no upload can overwrite another.
    """
    max_bytes = settings.LEAD_IMAGE_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            gettext(
                "The image is %(size)s; the limit is %(limit)s. Export it smaller and upload it "
                "again."
            )
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    image = _open_verified(upload)
    try:
        return _reencode(image)
    finally:
        image.close()


def _open_verified(upload) -> Image.Image:
    max_pixels = settings.LEAD_IMAGE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns about decompression bombs below twice its own limit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=list(ACCEPTED_FORMATS)) as probe:
                width, height = probe.size
                if width * height > max_pixels:
                    raise ValidationError(
                        gettext(
                            "The image is %(width)d by %(height)d pixels (%(megapixels)s "
                            "megapixels); the limit is %(limit)s megapixels."
                        )
                        % {
                            "width": width,
                            "height": height,
                            "megapixels": f"{width * height / 1e6:.0f}",
                            "limit": f"{max_pixels / 1e6:.0f}",
                        },
                        code="too_many_pixels",
                    )
                probe.verify()
            # verify() leaves the image unusable; open it again to decode the pixels.
            upload.seek(0)
            image = Image.open(upload, formats=list(ACCEPTED_FORMATS))
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as error:
        raise ValidationError(gettext(NOT_AN_IMAGE), code="not_an_image") from error
    return image


def _reencode(image: Image.Image) -> ContentFile:
    image_format = image.format
    info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    upright = ImageOps.exif_transpose(image) if image_format != "GIF" else image.copy()
    upright.info = {}
    buffer = io.BytesIO()
    if image_format == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(buffer, "JPEG", quality=90, optimize=True, **_only(info, "icc_profile"))
    elif image_format == "PNG":
        upright.save(buffer, "PNG", optimize=True, **info)
    elif image_format == "WEBP":
        upright.save(buffer, "WEBP", quality=90, **_only(info, "icc_profile"))
    else:
        upright.save(buffer, "GIF", **_only(info, "transparency"))
    name = f"{uuid.uuid4().hex}.{ACCEPTED_FORMATS[image_format]}"
    return ContentFile(buffer.getvalue(), name=name)


def _only(info: dict, key: str) -> dict:
    return {key: info[key]} if key in info else {}


def rendition_name(name: str, width: int) -> str:
    """Storage name of the `width`-pixel WebP rendition of the image stored as `name`."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.webp"))


def rendition_widths(image_width: int | None) -> list[int]:
    """Rendition widths worth making for an image this wide: only ones that shrink it."""
    if not image_width:
        return []
    return [width for width in settings.LEAD_IMAGE_RENDITION_WIDTHS if width < image_width]


def make_renditions(image: FieldFile) -> list[str]:
    """Write the WebP renditions of a stored image beside it; returns their storage names."""
    storage: Storage = image.storage
    written = []
    with storage.open(image.name, "rb") as source, Image.open(source) as original:
        original.load()
        if original.mode not in ("RGB", "RGBA"):
            original = original.convert("RGBA" if "transparency" in original.info else "RGB")
        for width in rendition_widths(original.width):
            height = max(1, round(original.height * width / original.width))
            buffer = io.BytesIO()
            original.resize((width, height), Image.Resampling.LANCZOS).save(
                buffer, "WEBP", quality=80, method=4
            )
            name = rendition_name(image.name, width)
            if storage.exists(name):
                storage.delete(name)
            written.append(storage.save(name, ContentFile(buffer.getvalue())))
    return written


def has_renditions(name: str) -> bool:
    """Whether renditions were made for this stored image, judged from its name alone.

    Only uploads that went through `clean_upload` get a random hex name, and saving one makes
    its renditions in the same transaction; files stored before that have other names.
    """
    return bool(RANDOM_NAME.fullmatch(PurePosixPath(name).stem))


def srcset(image: FieldFile, image_width: int | None) -> str:
    """The `srcset` value for an image: its renditions, then the original at full width."""
    if not image or not image_width or not has_renditions(image.name):
        return ""
    candidates = [
        f"{image.storage.url(rendition_name(image.name, width))} {width}w"
        for width in rendition_widths(image_width)
    ]
    candidates.append(f"{image.url} {image_width}w")
    return ", ".join(candidates)


def rendition_of(name: str) -> str | None:
    """The stem of the original a rendition was made from, or None if `name` is no rendition."""
    match = RENDITION_NAME.fullmatch(PurePosixPath(name).name)
    return match["stem"] if match else None


def stored_renditions(storage: Storage, name: str) -> list[str]:
    """The renditions of the image stored as `name` that are in storage now, whatever widths.

    Listed from the folder rather than from `LEAD_IMAGE_RENDITION_WIDTHS`: widths made under
    an earlier setting must go with their original too.
    """
    if not has_renditions(name):
        return []
    path = PurePosixPath(name)
    folder = str(path.parent) if str(path.parent) != "." else ""
    try:
        files = storage.listdir(folder)[1]
    except FileNotFoundError:
        return []
    return sorted(
        str(PurePosixPath(folder) / file) if folder else file
        for file in files
        if rendition_of(file) == path.stem
    )


def delete_image(storage: Storage, name: str) -> list[str]:
    """Delete a stored image and its renditions; the names of the files that were there."""
    deleted = []
    for stored in [name, *stored_renditions(storage, name)]:
        if storage.exists(stored):
            storage.delete(stored)
            deleted.append(stored)
    return deleted
