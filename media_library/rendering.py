"""Media-library images in sanitised HTML: `<img src="image:42">` becomes the stored image.

The Markdown pipeline (`summit.rendering.render_markdown(…, image_references=True)`) lets
`image:` addresses through only as an image's `src`, with nothing but the attributes the
sanitiser allows. `expand_image_references` then replaces each such element with trusted HTML
built here from the `Image` row, every value escaped: a picture alone in its paragraph becomes
a `<figure>` with caption and credit, one inside a line of text stays an `<img>`. Either gets
the WebP renditions in `srcset`, explicit dimensions and lazy loading. A reference to an image
that does not exist (a mistyped or deleted id) shows readers nothing.

One query for all the images of a body, none for a body without references; one for all the
bodies of a list when they are expanded together (`images=`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from media_library.models import Image
from summit.rendering import IMAGE_REFERENCE_SCHEME

# The body column is `--measure` (42rem) wide; narrower screens show images edge to edge.
BODY_IMAGE_SIZES = "(min-width: 44rem) 42rem, 100vw"
# Cheap test before parsing: no image address, nothing to do.
REFERENCE_MARK = re.compile(rf"src=\"{IMAGE_REFERENCE_SCHEME}:", re.IGNORECASE)
# The whole address: the scheme (any case, as in every URL) and an id.
REFERENCE = re.compile(rf"{IMAGE_REFERENCE_SCHEME}:(?P<id>[0-9]{{1,18}})", re.IGNORECASE)
# A paragraph holding only the image, as the sanitiser writes it.
PARAGRAPH_OPENS = re.compile(r"<p>\s*\Z")
PARAGRAPH_CLOSES = re.compile(r"\s*</p>")


@dataclass(frozen=True)
class Reference:
    """One `<img src="image:…">` element in the HTML, where it is and what it says."""

    start: int  # offset of `<img`
    end: int  # offset just past its `>`
    image_id: int | None  # None for an address that is no valid reference
    alt: str
    title: str


class _ReferenceFinder(HTMLParser):
    """Finds the image references, reading the HTML as a browser would."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        # The parser tells positions as (line, column), counting only "\n" as a line break.
        self._line_starts = [0, *(match.end() for match in re.finditer("\n", html))]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "img":
            return
        values = {name: value or "" for name, value in attrs}
        src = values.get("src", "").strip()
        if not src.lower().startswith(f"{IMAGE_REFERENCE_SCHEME}:"):
            return
        line, column = self.getpos()
        start = self._line_starts[line - 1] + column
        match = REFERENCE.fullmatch(src)
        self.references.append(
            Reference(
                start=start,
                end=start + len(self.get_starttag_text() or ""),
                image_id=int(match["id"]) if match else None,
                alt=values.get("alt", ""),
                title=values.get("title", ""),
            )
        )

    handle_startendtag = handle_starttag


def find_references(html: str) -> list[Reference]:
    """The image references in sanitised HTML, in order."""
    if not REFERENCE_MARK.search(html):
        return []
    finder = _ReferenceFinder(html)
    finder.feed(html)
    finder.close()
    return finder.references


def referenced_image_ids(html: str) -> set[int]:
    """The ids of the images sanitised HTML refers to (existing or not)."""
    return {ref.image_id for ref in find_references(html) if ref.image_id is not None}


def expand_image_references(html: str, images: dict[int, Image] | None = None) -> SafeString:
    """Sanitised HTML with each image reference replaced by the stored image.

    `html` must come from the sanitiser: what is outside the references is passed on as it is.
    `images`, when given, holds the images by id, read for several bodies at once (a feed);
    otherwise the body's own are read in one query.
    """
    references = find_references(html)
    if not references:
        return mark_safe(html)
    if images is None:
        wanted = {ref.image_id for ref in references if ref.image_id is not None}
        images = Image.objects.in_bulk(wanted) if wanted else {}
    found = images
    pieces: list[str] = []
    position = 0
    for ref in references:
        start, end = ref.start, ref.end
        opens = PARAGRAPH_OPENS.search(html, position, start)
        closes = PARAGRAPH_CLOSES.match(html, end)
        alone = opens is not None and closes is not None
        if alone:
            # The figure replaces the paragraph: a <figure> cannot sit inside a <p>.
            start, end = opens.start(), closes.end()
        pieces.append(html[position:start])
        image = found.get(ref.image_id)
        if image is not None:
            pieces.append(figure(image, ref) if alone else inline_image(image, ref))
        position = end
    pieces.append(html[position:])
    return mark_safe("".join(pieces))


def inline_image(image: Image, ref: Reference | None = None) -> SafeString:
    """The `<img>` of a library image: renditions, dimensions, lazy loading, alt text."""
    alt = (ref.alt.strip() if ref else "") or image.alt_text
    srcset = image.srcset
    return format_html(
        '<img src="{}"{} width="{}" height="{}" alt="{}" loading="lazy" decoding="async">',
        image.file.url,
        format_html(' srcset="{}" sizes="{}"', srcset, BODY_IMAGE_SIZES) if srcset else "",
        image.width or "",
        image.height or "",
        alt,
    )


def figure(image: Image, ref: Reference | None = None) -> SafeString:
    """A library image as a figure, with its caption and credit under it."""
    caption = (ref.title.strip() if ref else "") or image.caption
    credit = format_html('<span class="credit">{}</span>', image.credit) if image.credit else ""
    if caption and credit:
        figcaption = format_html("<figcaption>{} {}</figcaption>", caption, credit)
    elif caption or credit:
        figcaption = format_html("<figcaption>{}</figcaption>", caption or credit)
    else:
        figcaption = ""
    return format_html(
        '<figure class="body-image">{}{}</figure>', inline_image(image, ref), figcaption
    )
