"""Form widgets shared by the apps: the focal point picker of lead images and library images.

Core: it knows images only as stored files (summit/images.py), not which model holds them.
"""

from __future__ import annotations

from django import forms
from django.db.models.fields.files import FieldFile
from django.utils.html import format_html
from django.utils.translation import gettext as _

from summit import images

# The picker shows the picture at most this wide (focal_point.css); a rendition this size is
# sharp enough on a dense screen and far lighter than the original.
PREVIEW_WIDTH = 960


class FocalPointWidget(forms.NumberInput):
    """One coordinate of a focal point (percent across or down), typed as a number.

    The `x` widget also shows the picture with a marker at the point: clicking the picture
    (or, once it has the focus, the arrow keys; Shift moves ten times as far) sets both
    numbers. Without JavaScript the two numbers are all there is, and they are enough.
    Under the admin's strict CSP: no inline script or style; focal_point.js places the
    marker through `element.style` and finds the two inputs by the ids in `data-` attributes.
    Use `use_focal_point_widgets` to give a form's two fields their widgets.
    """

    class Media:
        js = ("summit/js/focal_point.js",)
        css = {"all": ("summit/css/focal_point.css",)}

    def __init__(
        self,
        *,
        axis: str = "x",
        partner_id: str = "",
        image_url: str = "",
        attrs: dict | None = None,
    ) -> None:
        if axis not in ("x", "y"):
            raise ValueError(f"axis must be 'x' or 'y', not {axis!r}")
        super().__init__(
            attrs={
                "min": 0,
                "max": 100,
                "step": 1,
                "class": "focal-point-input",
                "inputmode": "numeric",
                **(attrs or {}),
            }
        )
        self.axis = axis
        self.partner_id = partner_id
        self.image_url = image_url

    def render(self, name: str, value, attrs: dict | None = None, renderer=None) -> str:
        attrs = {**(attrs or {}), "data-focal-axis": self.axis}
        field = super().render(name, value, attrs, renderer)
        if self.axis != "x":
            return field
        if not self.image_url:
            return format_html(
                '<div class="focal-point-field">{}<p class="focal-point-note">{}</p></div>',
                field,
                _("Once the image is saved, you can also click the point on the picture."),
            )
        own_id = attrs.get("id") or f"id_{name}"
        return format_html(
            '<div class="focal-point-field">{}{}</div>',
            format_html(
                '<div class="focal-point" data-focal-x="{}" data-focal-y="{}">'
                '<div class="focal-point-picture" tabindex="0" role="group" aria-label="{}" '
                'aria-describedby="{}_hint">'
                '<img src="{}" alt="" draggable="false">'
                '<span class="focal-point-marker" aria-hidden="true"></span>'
                "</div>"
                '<p class="focal-point-note" id="{}_hint">{}</p>'
                '<p class="visually-hidden" aria-live="polite" data-focal-announce="{}"></p>'
                "</div>",
                own_id,
                self.partner_id,
                _("Focal point of the image"),
                own_id,
                self.image_url,
                own_id,
                _(
                    "Click the part of the picture that must stay in view when it is cropped, "
                    "or move the marker with the arrow keys (Shift: in bigger steps)."
                ),
                # Read out after each move; focal_point.js fills in the numbers.
                _("Focal point: {x}% across, {y}% down"),
            ),
            field,
        )


def preview_url(image: FieldFile | None, image_width: int | None) -> str:
    """The address the picker shows an image at: a WebP rendition up to `PREVIEW_WIDTH`
    wide when there is one, else the stored image itself; "" without an image."""
    if not image:
        return ""
    if images.has_renditions(image.name):
        widths = [w for w in images.rendition_widths(image_width) if w <= PREVIEW_WIDTH]
        if widths:
            return image.storage.url(images.rendition_name(image.name, widths[-1]))
    return image.url


def use_focal_point_widgets(
    form: forms.BaseForm,
    *,
    x: str,
    y: str,
    image: FieldFile | None,
    image_width: int | None,
) -> None:
    """Give the form's focal point fields `x` and `y` the picker, showing `image` (the
    instance's saved one). Fields the form lacks (read-only for this user) are left alone."""
    if x not in form.fields or y not in form.fields:
        return
    url = preview_url(image, image_width)
    for name, axis, partner in ((x, "x", y), (y, "y", x)):
        field = form.fields[name]
        field.widget = FocalPointWidget(axis=axis, partner_id=form[partner].auto_id, image_url=url)
        field.widget.is_required = field.required
