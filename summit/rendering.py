"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises, so editors cannot inject script."""

from functools import cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "del", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "mark", "ol", "p", "pre", "s",
    "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# `![alt](image:42)` names image 42 of the media library. Only article bodies let the scheme
# through, and only as an image's `src`: media_library.rendering then replaces each such
# `<img>` with one built from the stored image. Anywhere else it would be a broken address.
IMAGE_REFERENCE_SCHEME = "image"


@cache
def _markdown() -> MarkdownIt:
    # Typographer turns -- and quotes into proper dashes and curly quotes.
    return MarkdownIt("commonmark", {"html": True, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"]
    )


def render_markdown(text: str, *, image_references: bool = False) -> SafeString:
    """Render Markdown to HTML that is safe to put on a page as it is.

    With `image_references`, `<img src="image:42">` survives for the caller to expand (see
    `IMAGE_REFERENCE_SCHEME`); links to `image:` addresses lose their `href`.
    """
    html = _markdown().render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=(
            ALLOWED_URL_SCHEMES | {IMAGE_REFERENCE_SCHEME}
            if image_references
            else ALLOWED_URL_SCHEMES
        ),
        attribute_filter=_image_references_only_in_img_src if image_references else None,
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)


def _image_references_only_in_img_src(tag: str, attribute: str, value: str) -> str | None:
    if attribute in {"href", "src"} and (tag, attribute) != ("img", "src"):
        scheme = value.strip().partition(":")[0].lower()
        if scheme == IMAGE_REFERENCE_SCHEME:
            return None
    return value
