from __future__ import annotations

from django import template

from articles.models import Article
from summit import images

register = template.Library()

DEFAULT_SIZES = "(min-width: 64rem) 60rem, 100vw"


@register.inclusion_tag("includes/responsive_image.html")
def lead_image(article: Article, sizes: str = DEFAULT_SIZES, above_fold: bool = False) -> dict:
    """An article's lead image with its WebP renditions in `srcset` and explicit dimensions.

    Above the fold the browser should fetch it first; below, only when it scrolls into view.
    Builds addresses from file names only: no query and no storage look-up while rendering.
    """
    return {
        "article": article,  # for its focal point, which picks the crop when the height is capped
        "image": article.lead_image,
        "srcset": images.srcset(article.lead_image, article.lead_image_width),
        "sizes": sizes,
        "alt": article.lead_image_alt,
        "width": article.lead_image_width,
        "height": article.lead_image_height,
        "above_fold": above_fold,
    }
