"""Dates as editors read them in admin messages: the site's time zone, named.

Editors may sit in another zone than the site (`TIME_ZONE`), so a bare "09:00" is ambiguous;
every time we tell them carries the zone it is in. The date itself is written the way the
active language writes short dates (summit/formats for English).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format


def format_local(value: datetime) -> str:
    """`value` in the current time zone, e.g. "2 Dec 2026, 09:00 (Asia/Tokyo)" in English."""
    local = timezone.localtime(value)
    return f"{date_format(local, 'SHORT_DATETIME_FORMAT')} ({timezone.get_current_timezone_name()})"
