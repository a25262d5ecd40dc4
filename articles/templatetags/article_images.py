from __future__ import annotations

from django import template

from articles.models import Article
from summit import images

register = template.Library()

DEFAULT_SIZES = "(min-width: 64rem) 60rem, 100vw"
CARD_SIZES = "(min-width: 64rem) 20rem, 100vw"


def focal_classes(article: Article) -> str:
    """CSS classes placing a capped (`object-fit: cover`) image on its focal point.

    In steps of ten percent: the strict CSP allows no style attribute, and a class per step
    (summit.css) is as close as a crop shown in a box of varying shape needs.
    """
    x = round(article.lead_image_focal_x / 10) * 10
    y = round(article.lead_image_focal_y / 10) * 10
    return f"focal-x-{x} focal-y-{y}"


@register.inclusion_tag("includes/responsive_image.html")
def lead_image(article: Article, sizes: str = DEFAULT_SIZES, above_fold: bool = False) -> dict:
    """An article's whole lead image with its WebP renditions in `srcset` and explicit
    dimensions, as the article page shows it.

    Above the fold the browser should fetch it first; below, only when it scrolls into view.
    Builds addresses from file names only: no query and no storage look-up while rendering.
    """
    return {
        "image": article.lead_image,
        "src": article.lead_image.url if article.lead_image else "",
        "classes": f"lead-image {focal_classes(article)}",
        "srcset": images.srcset(article.lead_image, article.lead_image_width),
        "sizes": sizes,
        "alt": article.lead_image_alt,
        "width": article.lead_image_width,
        "height": article.lead_image_height,
        "above_fold": above_fold,
    }


@register.inclusion_tag("includes/responsive_image.html")
def card_image(article: Article, sizes: str = CARD_SIZES, above_fold: bool = False) -> dict:
    """An article's lead image as a card shows it: the 3:2 crops around its focal point
    (`images.make_focal_crops`). An image stored without renditions is shown whole, placed
    on its focal point by CSS. From file names only, like `lead_image`."""
    crop = images.card_image(
        article.lead_image,
        article.lead_image_width,
        article.lead_image_height,
        article.lead_image_focal_x,
        article.lead_image_focal_y,
    )
    if crop is None:
        whole = lead_image(article, sizes, above_fold)
        return {**whole, "classes": f"card-image {whole['classes']}"}
    return {
        "image": article.lead_image,
        "src": crop["src"],
        "classes": "card-image",
        "srcset": crop["srcset"],
        "sizes": sizes,
        "alt": article.lead_image_alt,
        "width": crop["width"],
        "height": crop["height"],
        "above_fold": above_fold,
    }
