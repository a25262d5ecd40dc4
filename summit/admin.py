from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin

from summit.dates import format_local
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

    def response_change(self, request: HttpRequest, obj: models.Model) -> HttpResponse:
        # Restoring and recovering end in an ordinary save, whose message ("… was changed
        # successfully") would not say that an old version came back, nor which one.
        version = self.version_being_restored(request)
        if version is None:
            return super().response_change(request, obj)
        when = format_local(version.revision.date_created)
        if request.resolver_match.url_name.endswith("_recover"):
            message = _("Recovered “%(object)s” as it was on %(when)s.")
        else:
            message = _("Restored the version of %(when)s: “%(object)s” is as it was then.")
        self.message_user(request, message % {"object": obj, "when": when}, messages.SUCCESS)
        return self.response_post_save_change(request, obj)

    def version_being_restored(self, request: HttpRequest) -> Version | None:
        """The version this request restores or recovers (reversion's views), else None."""
        match = request.resolver_match
        prefix = f"{self.opts.app_label}_{self.opts.model_name}_"
        if match is None or match.url_name not in {f"{prefix}revision", f"{prefix}recover"}:
            return None
        # Both of reversion's URLs end with the version id.
        return Version.objects.select_related("revision").filter(pk=match.args[-1]).first()


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ("old_path", "new_path", "created_at")
    search_fields = ("old_path", "new_path")
    date_hierarchy = "created_at"
