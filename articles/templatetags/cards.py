"""`{% load cards %}{% article_card article %}`: one article's card, for every list of cards.

An `{% include %}` renders the card inside the whole page's context, so each of the card's
twenty-odd lookups walks every layer of it (the context processors', the page's, the loop's)
and a card cost twice what it costs alone. The tag reads what a card shows from the article
in Python and renders the card with those values alone, each found at the first lookup
(issue #12: an uncached page of cards should cost a few milliseconds).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
from django.utils import timezone
from django.utils.text import Truncator

from articles.models import Article
from summit.dates import day_label
from summit.templatetags.summit_tags import html_datetime

register = template.Library()

# A card shows at most this many words of the standfirst.
CARD_DEK_WORDS = 36


def card_dek(dek: str) -> str:
    """The standfirst as a card shows it, as `truncatewords:36` would write it: the words
    that fit, one space apart, and "…" after the 36th. Building a `Truncator` for each card
    cost 60 µs, and nearly every standfirst fits."""
    words = dek.split()
    if len(words) <= CARD_DEK_WORDS:
        return " ".join(words)
    return Truncator(dek).words(CARD_DEK_WORDS)


@register.inclusion_tag("includes/article_card.html", takes_context=True)
def article_card(context: Context, article: Article) -> dict[str, Any]:
    kicker = article.kicker
    published = timezone.localtime(article.publish_at)
    return {
        "kicker": kicker.label if kicker else "",
        "url": article.get_absolute_url(),
        "title": article.title,
        "dek": card_dek(article.dek),
        # Search results give their cards a snippet (`search_query`); no other list does.
        "snippet": getattr(article, "snippet", "") if context.get("search_query") else "",
        "author_url": article.author_url,
        "author_name": article.author_name,
        "published_iso": html_datetime(published),
        "published_label": day_label(published, "SHORT_DATE_FORMAT"),
    }
