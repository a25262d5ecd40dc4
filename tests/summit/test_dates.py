"""Days as pages write them (`summit.dates.day_label`, the `day_label` filter)."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from summit.dates import day_label

WHEN = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_a_day_is_written_as_the_active_language_writes_the_format():
    assert day_label(WHEN) == "2 December 2026"
    assert day_label(WHEN, "SHORT_DATE_FORMAT") == "2 Dec 2026"
    assert day_label(date(2026, 12, 2), "SHORT_DATE_FORMAT") == "2 Dec 2026"
    with translation.override("ja"):
        assert day_label(WHEN) == "2026年12月2日"
    with translation.override("ru"):
        assert day_label(WHEN) == "2 декабря 2026 г."  # noqa: RUF001 (Cyrillic on purpose)
    # The English label, asked for again after the others, is still English.
    assert day_label(WHEN) == "2 December 2026"


@pytest.mark.parametrize("language", ["en", "ja", "ru"])
@pytest.mark.parametrize("format_name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
def test_the_filter_writes_what_djangos_date_filter_writes(language, format_name):
    days = [datetime(2026, month, day, 12, tzinfo=UTC) for month in (1, 5, 12) for day in (1, 31)]
    ours = Template("{% load summit_tags %}{% for d in days %}{{ d|day_label:f }}|{% endfor %}")
    django = Template("{% for d in days %}{{ d|date:f }}|{% endfor %}")
    with translation.override(language):
        context = Context({"days": days, "f": format_name})
        assert ours.render(context) == django.render(context)


def test_the_day_is_read_in_the_site_time_zone(settings):
    evening = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    assert day_label(evening) == "2 December 2026"
    settings.TIME_ZONE = "Asia/Tokyo"  # 5 in the morning of the 3rd there
    assert day_label(evening) == "3 December 2026"
    rendered = Template("{% load summit_tags %}{{ when|day_label }}").render(
        Context({"when": evening})
    )
    assert rendered == "3 December 2026"


def test_no_date_is_no_label():
    assert Template("{% load summit_tags %}[{{ missing|day_label }}]").render(Context()) == "[]"
