"""Site-wide models that belong to no single section."""

from __future__ import annotations

from django.db import models


class Redirect(models.Model):
    """A permanent redirect from an address that moved, such as an article's old slug.

    Rows are written when a slug changes or tags are merged; the fallback middleware answers
    a 404 for `old_path` with a 301 to `new_path`, so live pages always win.
    """

    old_path = models.CharField(
        max_length=300,
        unique=True,
        help_text="Path that used to work, e.g. /articles/old-slug/ (unquoted).",
    )
    new_path = models.CharField(max_length=300, help_text="Where readers are sent instead.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"
