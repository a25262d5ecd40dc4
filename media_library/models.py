"""The media library: images uploaded once and placed in any article's body.

An article refers to an image by its id (`![alt](image:42 "caption")` in Markdown); the
articles app keeps which article uses which image (`articles.ArticleImage`, PROTECT), so an
image in use cannot be deleted. This app knows nothing of articles.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The focal point is kept in percent of the width and height, from the top-left corner.
FOCAL_POINT_VALIDATORS = [MaxValueValidator(100)]


class Image(models.Model):
    file = models.ImageField(
        _("file"),
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
