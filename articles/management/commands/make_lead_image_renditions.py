"""Make the renditions and focal-point crops that stored lead images lack.

The admin makes them when an image is uploaded or its focal point moves. Images that came
another way (a script, a restored database, Summit before crops existed) may lack some; this
command makes the missing ones, or all of them again with `--force`. Images stored before
renditions existed (names that are not random, see `images.has_renditions`) are shown as
they are and are left alone.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from articles.models import Article
from summit import images


class Command(BaseCommand):
    help = (
        "Make the WebP renditions and the card and Open Graph crops (around each article's "
        "focal point) that stored lead images lack; --force remakes them all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Make every image's renditions and crops again, even those already stored.",
        )

    def handle(self, *args: str, force: bool, **options) -> None:
        storage = Article._meta.get_field("lead_image").storage
        renditions = crops = missing = legacy = 0
        articles = (
            Article.objects.exclude(lead_image="")
            # The height too: Django reads both dimension fields of a loaded image.
            .only(
                "lead_image",
                "lead_image_width",
                "lead_image_height",
                "lead_image_focal_x",
                "lead_image_focal_y",
            )
            .order_by("pk")
        )
        for article in articles.iterator(chunk_size=500):
            image = article.lead_image
            if not images.has_renditions(image.name):
                legacy += 1
                continue
            if not storage.exists(image.name):
                missing += 1
                self.stderr.write(f"Article {article.pk}: {image.name} is not in storage.")
                continue
            focal_point = (article.lead_image_focal_x, article.lead_image_focal_y)
            widths = images.rendition_widths(article.lead_image_width)
            if force or not all(
                storage.exists(images.rendition_name(image.name, width)) for width in widths
            ):
                images.make_renditions(image)
                renditions += 1
            if force or not images.has_focal_crops(image, *focal_point):
                images.make_focal_crops(image, *focal_point)
                crops += 1
        self.stdout.write(
            f"Made the renditions of {renditions} images and the crops of {crops}; "
            f"{missing} images missing from storage; {legacy} stored before renditions "
            "existed, left as they are."
        )
