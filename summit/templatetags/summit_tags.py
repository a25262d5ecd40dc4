from datetime import date, datetime

from django import template
from django.utils.safestring import SafeString

from summit.dates import day_label
from summit.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Render an editor's Markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter(expects_localtime=True)
def html_datetime(value: datetime | date | None) -> str:
    """An ISO 8601 value for `<time datetime>` and metadata, to the second.

    Django's `date:"c"` keeps microseconds, but HTML allows at most three fraction digits in
    a valid date-time string, so the Nu HTML checker rejects it; no reader needs them anyway.
    Like `date`, it receives aware values already in the site's time zone.
    """
    if not value:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    return value.replace(microsecond=0).isoformat()


@register.filter(name="day_label", expects_localtime=True)
def day_label_filter(value: datetime | date | None, format_name: str = "DATE_FORMAT") -> str:
    """`{{ article.publish_at|day_label:"DATE_FORMAT" }}`: `date` with a named date format,
    each day formatted once per language (`summit.dates.day_label`)."""
    return day_label(value, format_name) if value else ""
