"""An article's body: Markdown to safe HTML with media-library images, and the links to them.

One pipeline for every place a body is shown (the article page, feeds, previews, the admin's
live preview): markdown-it renders, nh3 sanitises (`summit.rendering`), and the image
references the sanitiser let through (`![alt](image:42 "caption")`) become the stored images
(`media_library.rendering`). The same reading decides which images an article uses
(`ArticleImage`), so an image counts as used exactly when the body shows it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString

from media_library.models import Image
from media_library.rendering import expand_image_references, referenced_image_ids
from summit.rendering import render_markdown

if TYPE_CHECKING:
    from articles.models import Article


# Raise when what the pipeline makes of a body changes (summit.rendering's Markdown options or
# sanitiser rules): every stored rendering then no longer matches its key, so it is rendered
# again when shown until `manage.py render_bodies` stores the new one.
PIPELINE_VERSION = 1


def render_body(text: str) -> SafeString:
    """Markdown as HTML safe to put on a page, images included (the editor's live preview)."""
    return expand_image_references(sanitised_body(text))


def article_body_html(article: Article) -> SafeString:
    """An article's body as HTML safe to put on a page, images included.

    From the rendering `Article.save()` stores when it is this body's (`rendering_key()`);
    images are always expanded as the page is made, so a change to an image shows without
    the body being saved again.
    """
    return expand_image_references(sanitised_html(article))


def attach_body_html(articles: Iterable[Article]) -> None:
    """Give each article its `body_html` with the library images of all of them read in one
    query, rather than one query per body that shows an image (a feed's twenty items)."""
    sanitised = {article.pk: sanitised_html(article) for article in articles}
    wanted = set().union(*map(referenced_image_ids, sanitised.values()))
    images = Image.objects.in_bulk(wanted) if wanted else {}
    for article in articles:
        article.body_html = expand_image_references(sanitised[article.pk], images)


def sanitised_html(article: Article) -> str:
    """The article's body as sanitised HTML with its image references still in: the stored
    rendering when it is this body's, else rendered now."""
    fields = {"body_rendered", "body_rendered_for"}
    if not fields & article.get_deferred_fields():
        if article.body_rendered_for == rendering_key(article.body):
            return article.body_rendered
    return sanitised_body(article.body)


def sanitised_body(text: str) -> str:
    """The body as sanitised HTML with its image references still in: what is stored."""
    return render_markdown(text, image_references=True)


def rendering_key(text: str) -> str:
    """What a stored rendering of `text` is filed under: the text and `PIPELINE_VERSION`, so
    a body changed behind `save()` (an `update()`, raw SQL) or an older pipeline's output is
    never shown as current."""
    digest = hashlib.blake2b(f"{PIPELINE_VERSION}\n{text}".encode(), digest_size=16)
    return digest.hexdigest()


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
