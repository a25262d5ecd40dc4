"""The media library: images uploaded once and placed in any article's body.

An article refers to an image by its id (`![alt](image:42 "caption")` in Markdown); the
articles app keeps which article uses which image (`articles.ArticleImage`, PROTECT), so an
image in use cannot be deleted. This app knows nothing of articles.
"""

from __future__ import annotations

from collections.abc import Collection

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from summit import images

# The focal point is kept in percent of the width and height, from the top-left corner.
FOCAL_POINT_VALIDATORS = [MaxValueValidator(100)]
# Up to this many names are looked up in one query (well under SQLite's limit on a query's
# parameters); beyond, every image's file name is read once instead.
FEW_FILE_NAMES = 500


class Image(models.Model):
    file = models.ImageField(
        # A context of its own: "file" is also a plural noun elsewhere (import_article).
        pgettext_lazy("image", "file"),
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt_text = models.CharField(
        _("description"),
        max_length=300,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    focal_x = models.PositiveSmallIntegerField(
        _("focal point across (%)"), default=50, validators=FOCAL_POINT_VALIDATORS
    )
    focal_y = models.PositiveSmallIntegerField(
        _("focal point down (%)"), default=50, validators=FOCAL_POINT_VALIDATORS
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The file name the row held when loaded (see `from_db`); None for a new image.
    stored_file_name: str | None = None

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__lte=100, focal_y__lte=100),
                name="image_focal_point_in_picture",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.alt_text or self.file.name

    @classmethod
    def from_db(cls, db, field_names, values) -> Image:
        instance = super().from_db(db, field_names, values)
        # Remembered so that a save which replaces the file can delete the old one
        # (media_library.signals) without asking the database what it was. None when the
        # file column was deferred.
        stored = dict(zip(field_names, values, strict=True)).get("file")
        instance.stored_file_name = stored if isinstance(stored, str) else None
        return instance

    @property
    def srcset(self) -> str:
        """The `srcset` of its WebP renditions and the original; built from the name alone."""
        return images.srcset(self.file, self.width)

    @property
    def thumbnail_url(self) -> str:
        """The address of its smallest 3:2 crop around the focal point, so the library's
        tiles line up; else of its smallest rendition, or of the original if it has none."""
        if images.has_card_crops(self.file, self.width, self.height, self.focal_x, self.focal_y):
            crop = images.card_image(self.file, self.width, self.height, self.focal_x, self.focal_y)
            if crop:
                return crop["src"]
        widths = images.rendition_widths(self.width)
        if widths and images.has_renditions(self.file.name):
            return self.file.storage.url(images.rendition_name(self.file.name, min(widths)))
        return self.file.url

    def markdown(self) -> str:
        """The Markdown that places it in an article's body: `![alt](image:42 "caption")`."""
        alt = _one_line(self.alt_text).replace("\\", "\\\\")
        alt = alt.replace("[", "\\[").replace("]", "\\]")
        caption = _one_line(self.caption).replace("\\", "\\\\").replace('"', '\\"')
        title = f' "{caption}"' if caption else ""
        return f"![{alt}](image:{self.pk}{title})"

    def make_renditions(self) -> list[str]:
        """Write its WebP renditions beside the file; their storage names."""
        return images.make_renditions(self.file)

    def make_focal_crops(self) -> list[str]:
        """Write its 3:2 crops around the focal point (the library's tiles), removing those
        of an earlier point; their storage names.

        No Open Graph crop: only an article's lead image is a shared link's picture, so one
        cut from a library image would never be shown (and one made before is removed).
        """
        return images.make_focal_crops(self.file, self.focal_x, self.focal_y, open_graph=False)


def files_in_use(names: Collection[str]) -> set[str]:
    """Those of `names` (storage names) that an image of the library has as its file.

    The library keeps a file while an `Image` row names it, whatever uses the image, and an
    image's renditions and crops while it keeps the original (`summit.images.rendition_of`
    tells whose they are). Deleting or replacing an image deletes its files
    (media_library.signals); the orphan clean-up (`remove_orphan_media`) asks here about the
    rest.
    """
    names = set(names)
    if not names:
        return set()
    files = Image.objects.order_by()
    if len(names) <= FEW_FILE_NAMES:
        return set(files.filter(file__in=names).values_list("file", flat=True))
    return {name for name in files.values_list("file", flat=True).iterator() if name in names}


def _one_line(text: str) -> str:
    # A line break would end the Markdown image; the fields are single lines anyway.
    return " ".join(text.split())
