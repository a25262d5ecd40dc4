"""Dates as editors read them in admin messages: the site's time zone, named.

Editors may sit in another zone than the site (`TIME_ZONE`), so a bare "09:00" is ambiguous;
every time we tell them carries the zone it is in.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def format_local(value: datetime) -> str:
    """`value` in the current time zone, e.g. "2 Dec 2026, 09:00 (Asia/Tokyo)"."""
    local = timezone.localtime(value)
    return f"{local.day} {local:%b %Y, %H:%M} ({timezone.get_current_timezone_name()})"
