"""An article's body: Markdown to safe HTML with media-library images, and the links to them.

One pipeline for every place a body is shown (the article page, feeds, previews, the admin's
live preview): markdown-it renders, nh3 sanitises (`summit.rendering`), and the image
references the sanitiser let through (`![alt](image:42 "caption")`) become the stored images
(`media_library.rendering`). The same reading decides which images an article uses
(`ArticleImage`), so an image counts as used exactly when the body shows it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.safestring import SafeString

from media_library.models import Image
from media_library.rendering import expand_image_references, referenced_image_ids
from summit.rendering import render_markdown

if TYPE_CHECKING:
    from articles.models import Article


def render_body(text: str) -> SafeString:
    """An article body's Markdown as HTML safe to put on a page, images included."""
    return expand_image_references(render_markdown(text, image_references=True))


def image_ids_in(text: str) -> set[int]:
    """The ids of the media-library images a body refers to, whether they exist or not."""
    return referenced_image_ids(render_markdown(text, image_references=True))


def sync_image_links(article: Article) -> None:
    """Link the article to the existing library images its body shows, and only to those.

    Called by the write path (`Article.save_revision`) after the article is saved, in its
    transaction: an image in use cannot be deleted (`ArticleImage.image` is PROTECT).
    """
    wanted = image_ids_in(article.body)
    if wanted:
        wanted = set(Image.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    links = article.image_links
    linked = set(links.values_list("image_id", flat=True))
    if linked - wanted:
        links.filter(image_id__in=linked - wanted).delete()
    if wanted - linked:
        links.model.objects.bulk_create(
            [
                links.model(article=article, image_id=image_id)
                for image_id in sorted(wanted - linked)
            ],
            ignore_conflicts=True,
        )
