from django import template
from django.utils.safestring import SafeString

from articles.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Render an editor's Markdown as sanitised HTML."""
    return render_markdown(text)
