"""Editors manage events with their status history and outcome documents, and commitments with
their dated updates, all inline. Status histories are written by the models' save methods; the
admin only passes along the note and date an editor gives a change."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from events.models import Commitment, CommitmentUpdate, Event, OutcomeDocument, StatusChange

# Links typed without a scheme are read as https (Django 6's default, asked for now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class StatusChangeInline(admin.TabularInline):
    """The history: editors correct a date or a note; new entries come from the status field."""

    model = StatusChange
    fields = ("status", "date", "note")
    readonly_fields = ("status",)
    extra = 0
    ordering = ("date", "pk")

    def has_add_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False


class OutcomeDocumentInline(admin.TabularInline):
    model = OutcomeDocument
    fields = ("title", "url", "date")
    formfield_overrides = URL_FIELDS
    extra = 0


class EventAdminForm(forms.ModelForm):
    status_note = forms.CharField(
        label=_("Note for this status change"),
        required=False,
        max_length=StatusChange._meta.get_field("note").max_length,
        help_text=_(
            'Recorded in the history when the status changes, e.g. "postponed: host leader '
            'cancelled travel".'
        ),
    )
    status_date = forms.DateField(
        label=_("Date of this status change"),
        required=False,
        widget=admin.widgets.AdminDateWidget,
        help_text=_("Today if left empty."),
    )

    class Meta:
        model = Event
        fields = (
            "name", "slug", "kind", "start_date", "end_date", "city", "host_country", "status",
            "participants", "agenda", "description", "articles",
        )  # fmt: skip


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventAdminForm
    list_display = ("name", "kind", "start_date", "city", "host_country", "status")
    list_filter = ("status", "kind", "host_country")
    list_select_related = ("host_country",)
    search_fields = ("name", "slug", "city")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("host_country", "participants", "agenda", "articles")
    date_hierarchy = "start_date"
    inlines = (StatusChangeInline, OutcomeDocumentInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind")}),
        (_("When and where"), {"fields": (("start_date", "end_date"), "city", "host_country")}),
        (_("Status"), {"fields": ("status", "status_note", "status_date")}),
        (_("Who and what"), {"fields": ("participants", "agenda", "description")}),
        (_("Coverage"), {"fields": ("articles",)}),
    )

    def save_model(self, request: HttpRequest, obj: Event, form: EventAdminForm, change: bool):
        obj.save(
            status_note=form.cleaned_data.get("status_note", ""),
            status_date=form.cleaned_data.get("status_date"),
        )


class CommitmentUpdateInline(admin.TabularInline):
    model = CommitmentUpdate
    fields = ("date", "status", "note")
    extra = 1


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("summary", "committed_by", "area", "amount", "currency", "status", "date")
    list_filter = ("status", "area", "currency")
    search_fields = ("what", "organisation", "recipient", "country__name", "event__name")
    autocomplete_fields = ("country", "recipient_country", "area", "event", "source_article")
    date_hierarchy = "date"
    readonly_fields = ("status",)
    formfield_overrides = URL_FIELDS
    inlines = (CommitmentUpdateInline,)
    fieldsets = (
        (_("Who"), {"fields": (("country", "organisation"), ("recipient_country", "recipient"))}),
        (_("What"), {"fields": ("area", "what", ("amount", "currency"))}),
        (_("When and where"), {"fields": ("event", "date")}),
        (_("Source"), {"fields": ("source_article", "source_url")}),
        (
            _("Status"),
            {"fields": ("status",), "description": _("Add an update below to change it.")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commitment]:
        return super().get_queryset(request).select_related("country", "area")

    @admin.display(description=_("what"))
    def summary(self, commitment: Commitment) -> str:
        return commitment.what[:80]

    @admin.display(description=_("committed by"))
    def committed_by(self, commitment: Commitment) -> str:
        return commitment.committed_by
