from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from reversion_compare.admin import CompareVersionAdmin

from summit.models import Redirect


class HistoryAdmin(CompareVersionAdmin):
    """Admin with revision history: who changed what and when, diffs, restore, recover.

    Newest revisions first, and the comparison page asks for the same permission as the
    history page (django-reversion-compare does not check it itself).
    """

    history_latest_first = True

    def compare_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ("old_path", "new_path", "created_at")
    search_fields = ("old_path", "new_path")
    date_hierarchy = "created_at"
