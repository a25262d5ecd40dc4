"""The upload form of the media library: the same safe-upload rules as lead images."""

from __future__ import annotations

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy

from media_library.models import Image
from summit import images
from summit.widgets import use_focal_point_widgets


class LibraryImageField(forms.ImageField):
    """Accepts only real JPEG, PNG, WebP or GIF images within the size and pixel limits.

    What is stored is `summit.images.clean_upload`'s copy: re-encoded from the pixels (no
    EXIF, no trailing data), upright, under a random name. The uploaded name and extension
    are not trusted, so Django's extension check would only give a confusing message.
    """

    default_validators: list = []
    default_error_messages = {"invalid_image": gettext_lazy(images.NOT_AN_IMAGE)}

    def to_python(self, data) -> ContentFile | None:
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return images.clean_upload(upload)


class ImageForm(forms.ModelForm):
    file = LibraryImageField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "A JPEG, PNG, WebP or GIF photo. It is stored without its metadata (camera, "
            "place) under a new name, with smaller copies for phones."
        ),
    )

    class Meta:
        model = Image
        fields = ("file", "alt_text", "caption", "credit", "focal_x", "focal_y")
        help_texts = {
            "caption": gettext_lazy(
                "Shown under the image in an article; the article can give its own instead."
            ),
            "credit": gettext_lazy("Who took or owns the picture, shown after the caption."),
            "focal_x": gettext_lazy(
                "Where the subject is, in percent of the width from the left: crops keep it."
            ),
            "focal_y": gettext_lazy("Where the subject is, in percent of the height from the top."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Click the subject on the picture (or type the two numbers without JavaScript).
        use_focal_point_widgets(
            self,
            x="focal_x",
            y="focal_y",
            image=self.instance.file,
            image_width=self.instance.width,
        )
