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

from articles.models import Article

register = template.Library()


@register.inclusion_tag("includes/article_card.html", takes_context=True)
def article_card(context: Context, article: Article) -> dict[str, Any]:
    kicker = article.kicker
    return {
        "kicker": kicker.label if kicker else "",
        "url": article.get_absolute_url(),
        "title": article.title,
        "dek": article.dek,
        # Search results give their cards a snippet (`search_query`); no other list does.
        "snippet": getattr(article, "snippet", "") if context.get("search_query") else "",
        "author_url": article.author_url,
        "author_name": article.author_name,
        "published": article.publish_at,
    }
