"""`{% dashboard_panels as panels %}`: the admin home page's panels (summit/dashboard.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from summit.dashboard import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_panels(context: dict[str, Any]) -> list[SafeString]:
    request = context.get("request")
    if request is None or not request.user.is_active or not request.user.is_staff:
        return []
    return render_panels(request)
