"""Panels on the admin's home page (the dashboard), registered by the apps that own them.

The core knows no app: an app registers each of its panels in its `AppConfig.ready()` with
`register_panel()`, naming a template and a function that returns the panel's context for a
request. `templates/admin/index.html` shows them above the list of apps through the
`{% dashboard_panels %}` tag (`summit/templatetags/dashboard.py`), in `order`, each only to
those holding its `permission`.

A panel's function should run a fixed number of queries whatever the size of the
collection, and may return None to show nothing (say, an empty list it has no use for).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

PanelContext = Callable[[HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: PanelContext
    permission: str | None = None
    order: int = 100


_panels: dict[str, Panel] = {}


def register_panel(
    name: str,
    *,
    template: str,
    context: PanelContext,
    permission: str | None = None,
    order: int = 100,
) -> None:
    """Show a panel on the dashboard; registering a name again replaces that panel.

    `template` is rendered with what `context(request)` returns (and `request`), for staff
    holding `permission` ("app_label.codename") when one is given.
    """
    _panels[name] = Panel(name, template, context, permission, order)


def unregister_panel(name: str) -> None:
    _panels.pop(name, None)


def panels_for(request: HttpRequest) -> list[Panel]:
    """The registered panels `request.user` may see, in order."""
    user = request.user
    return sorted(
        (
            panel
            for panel in _panels.values()
            if panel.permission is None or user.has_perm(panel.permission)
        ),
        key=lambda panel: (panel.order, panel.name),
    )


def render_panels(request: HttpRequest) -> list[SafeString]:
    """Each panel `request.user` may see, rendered; panels with nothing to show are left out."""
    rendered = []
    for panel in panels_for(request):
        context = panel.context(request)
        if context is not None:
            rendered.append(render_to_string(panel.template, context, request=request))
    return rendered
