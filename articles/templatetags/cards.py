"""`{% load cards %}{% article_card article %}`: one article's card, for every list of cards.

An `{% include %}` renders the card inside the whole page's context, so each of the card's
twenty-odd lookups walks every layer of it (the context processors', the page's, the loop's)
and a card cost twice what it costs alone. The tag renders it with what a card reads and
nothing else (issue #12: an uncached page of cards should cost a few milliseconds).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context

from articles.models import Article

register = template.Library()


@register.inclusion_tag("includes/article_card.html", takes_context=True)
def article_card(context: Context, article: Article) -> dict[str, Any]:
    # Search results give their cards a snippet (`search_query`); no other list does.
    return {"article": article, "search_query": context.get("search_query")}
