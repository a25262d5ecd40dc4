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
# Crops around a focal point, as `card_crop_name` and `og_image_name` write them beside their
# original: `<random name>-card-<x>x<y>-<width>w.webp` and `<random name>-og-<x>x<y>.jpg`. The
# focal point is in the name so that moving it gives new addresses, which no cache still holds.
FOCAL_CROP_NAME = re.compile(
    r"(?P<stem>[0-9a-f]{32})-(?P<kind>card|og)-(?P<x>[0-9]{1,3})x(?P<y>[0-9]{1,3})"
    r"(?:-(?P<width>[1-9][0-9]*)w\.webp|\.jpg)"
)
# Percent of the width and of the height, from the top-left corner.
FOCAL_CENTRE = 50
# Cards show a 3:2 crop, one width for ordinary screens and one for dense ones.
CARD_RATIO = (3, 2)
CARD_WIDTHS = (480, 960)
# What Facebook, LinkedIn and X show best for a link; `og:image:width`/`height` say so.
OG_IMAGE_SIZE = (1200, 630)
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
    """The stem of the original a rendition (or a focal crop) was made from, or None if
    `name` is neither."""
    file_name = PurePosixPath(name).name
    match = RENDITION_NAME.fullmatch(file_name) or FOCAL_CROP_NAME.fullmatch(file_name)
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


# Crops around a focal point: cards and social cards have a fixed shape, and an editor says
# which part of the picture (the focal point, in percent from the top-left) must stay in it.


def crop_box(
    width: int, height: int, ratio: tuple[int, int], focal_x: int, focal_y: int
) -> tuple[int, int, int, int]:
    """The largest box of `ratio` (across, down) inside a `width` by `height` picture, centred
    on the focal point as far as the picture's edges allow; (left, top, right, bottom).

    A focal point near an edge moves the box to that edge rather than out of the picture.
    """
    across, down = ratio
    if width * down > height * across:  # wider than the ratio: keep the full height
        box_width, box_height = min(width, max(1, round(height * across / down))), height
    else:
        box_width, box_height = width, min(height, max(1, round(width * down / across)))
    left = _clamp(round(width * focal_x / 100 - box_width / 2), 0, width - box_width)
    top = _clamp(round(height * focal_y / 100 - box_height / 2), 0, height - box_height)
    return left, top, left + box_width, top + box_height


def _clamp(value: int, lowest: int, highest: int) -> int:
    return max(lowest, min(value, highest))


def card_crop_name(name: str, focal_x: int, focal_y: int, width: int) -> str:
    """Storage name of the `width`-pixel card crop of the image stored as `name`."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-card-{focal_x}x{focal_y}-{width}w.webp"))


def og_image_name(name: str, focal_x: int, focal_y: int) -> str:
    """Storage name of the 1200x630 Open Graph image cut from the image stored as `name`."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-og-{focal_x}x{focal_y}.jpg"))


def card_widths(image_width: int | None, image_height: int | None) -> list[int]:
    """Card crop widths worth making for an image this size: those that shrink its largest
    3:2 box, or that box's own width when it is narrower than the smallest card."""
    if not image_width or not image_height:
        return []
    left, _top, right, _bottom = crop_box(image_width, image_height, CARD_RATIO, 0, 0)
    box_width = right - left
    return [width for width in CARD_WIDTHS if width <= box_width] or [box_width]


def card_height(width: int) -> int:
    across, down = CARD_RATIO
    return max(1, round(width * down / across))


def make_focal_crops(
    image: FieldFile, focal_x: int, focal_y: int, *, open_graph: bool = True
) -> list[str]:
    """Write the card crops (WebP) and, unless `open_graph` is false, the Open Graph image
    (JPEG, exactly 1200x630) of a stored image around its focal point; delete the crops cut
    around an earlier focal point, and an Open Graph image that is no longer wanted.

    Only an article's lead image is shared as a link's picture; a media-library image needs
    the cards alone. The Open Graph image is enlarged from a picture smaller than 1200x630:
    sites that show shared links want that size, and a soft picture reads better there than
    a small one. Returns the storage names written.
    """
    storage: Storage = image.storage
    written = []
    with storage.open(image.name, "rb") as source, Image.open(source) as original:
        original.load()
        picture = _flattened(original)
        for width in card_widths(picture.width, picture.height):
            box = crop_box(picture.width, picture.height, CARD_RATIO, focal_x, focal_y)
            crop = picture.crop(box).resize((width, card_height(width)), Image.Resampling.LANCZOS)
            written.append(
                _replace(storage, card_crop_name(image.name, focal_x, focal_y, width), crop, "WEBP")
            )
        if open_graph:
            box = crop_box(picture.width, picture.height, OG_IMAGE_SIZE, focal_x, focal_y)
            social = picture.crop(box).resize(OG_IMAGE_SIZE, Image.Resampling.LANCZOS)
            written.append(
                _replace(storage, og_image_name(image.name, focal_x, focal_y), social, "JPEG")
            )
    for stale in set(stored_renditions(storage, image.name)) - set(written):
        match = FOCAL_CROP_NAME.fullmatch(PurePosixPath(stale).name)
        if match:  # around another focal point, or not wanted: nothing links to it any more
            storage.delete(stale)
    return written


def has_focal_crops(image: FieldFile, focal_x: int, focal_y: int) -> bool:
    """Whether the crops for this focal point are in storage (one look-up: the Open Graph
    image is written last)."""
    return bool(image) and image.storage.exists(og_image_name(image.name, focal_x, focal_y))


def has_card_crops(
    image: FieldFile, image_width: int | None, image_height: int | None, focal_x: int, focal_y: int
) -> bool:
    """Whether the card crops for this focal point are in storage, for an image whose crops
    are made without an Open Graph image (one look-up: the widest card is written last)."""
    widths = card_widths(image_width, image_height)
    if not image or not widths:
        return False
    return image.storage.exists(card_crop_name(image.name, focal_x, focal_y, widths[-1]))


def _flattened(original: Image.Image) -> Image.Image:
    """The picture in RGB: transparent parts on white, since JPEG has no transparency."""
    if original.mode in ("RGBA", "LA", "PA") or "transparency" in original.info:
        rgba = original.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return original.convert("RGB")


def _replace(storage: Storage, name: str, picture: Image.Image, image_format: str) -> str:
    buffer = io.BytesIO()
    if image_format == "WEBP":
        picture.save(buffer, "WEBP", quality=80, method=4)
    else:
        picture.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(buffer.getvalue()))


def card_image(
    image: FieldFile, image_width: int | None, image_height: int | None, focal_x: int, focal_y: int
) -> dict | None:
    """`src`, `srcset`, `width` and `height` of an image's card crops, or None for an image
    stored without renditions (shown whole instead). From file names alone: no storage
    look-up while a page renders."""
    if not image or not has_renditions(image.name):
        return None
    widths = card_widths(image_width, image_height)
    if not widths:
        return None
    url = image.storage.url
    largest = widths[-1]
    return {
        "src": url(card_crop_name(image.name, focal_x, focal_y, widths[0])),
        "srcset": ", ".join(
            f"{url(card_crop_name(image.name, focal_x, focal_y, width))} {width}w"
            for width in widths
        ),
        "width": largest,
        "height": card_height(largest),
    }


def og_image_url(image: FieldFile, focal_x: int, focal_y: int) -> str:
    """The address of an image's 1200x630 Open Graph crop; "" for an image stored without
    renditions, which is shared as it is."""
    if not image or not has_renditions(image.name):
        return ""
    return image.storage.url(og_image_name(image.name, focal_x, focal_y))
