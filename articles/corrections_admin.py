"""Corrections and update notes appended to published articles, from the article admin.

The change page of a live article lists its notes (`corrections_panel.html`), and those who
hold `articles.add_correction` (Editors) get "Add correction or update", a page of its own
under the article's admin URLs. Adding goes through `Article.add_correction`, the write
path, which checks again that the article is live and the note not empty.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article, Correction

NOTE_MAX_LENGTH = 2000


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=Correction.Kind.choices,
        initial=Correction.Kind.CORRECTION,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A correction fixes something that was wrong; an update adds what has happened since."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy(
            "Shown to readers, dated today, at the top of the article and with the other notes "
            "at its end. Say what changed, e.g. “An earlier version gave the wrong date for the "
            "summit.”"
        ),
    )


def _url_name(admin) -> str:
    return f"{admin.opts.app_label}_{admin.opts.model_name}_add_correction"


class CorrectionsAdminMixin:
    """Adds the corrections panel and page to the Article admin; list it before ModelAdmin."""

    corrections_template = "admin/articles/article/add_correction.html"

    @property
    def media(self) -> forms.Media:
        # The panel on the change page.
        return super().media + forms.Media(css={"all": ["articles/css/corrections.css"]})

    def has_add_correction_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.add_correction")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/corrections/add/",
                self.admin_site.admin_view(self.add_correction_view),
                name=_url_name(self),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = self.corrections_context(request, object_id)
        context.update(extra_context or {})
        return super().change_view(request, object_id, form_url, context)

    def corrections_context(self, request: HttpRequest, object_id: str) -> dict:
        """The notes of a live article for its change page, and where to add one (two queries).

        Nothing for a draft or a scheduled article: readers have seen nothing to correct.
        """
        if not (object_id.isascii() and object_id.isdigit()):
            return {}
        article = Article.objects.published().filter(pk=object_id).only("pk").first()
        if article is None:
            return {}
        context = {
            "corrections": list(
                Correction.objects.filter(article=article).select_related("author")
            ),
            "corrections_live": True,
        }
        if self.has_add_correction_permission(request):
            context["add_correction_url"] = reverse(
                f"admin:{_url_name(self)}", args=[article.pk], current_app=self.admin_site.name
            )
        return context

    def add_correction_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A form for one note; a valid POST adds it and goes back to the change page."""
        if not self.has_add_correction_permission(request):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No such article."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[article.pk],
            current_app=self.admin_site.name,
        )
        if not article.is_public:
            self.message_user(
                request,
                _(
                    "Only a published article takes corrections and updates: readers have not "
                    "seen “%(article)s” yet, so change its text instead."
                )
                % {"article": article},
                messages.WARNING,
            )
            return redirect(change_url)
        form = CorrectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                correction = article.add_correction(
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                # Unpublished or emptied meanwhile: say so on the form.
                self._add_errors(form, error)
            else:
                self.message_user(
                    request,
                    _("%(heading)s added to “%(article)s”; readers see it now.")
                    % {"heading": correction.heading, "article": article},
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Add correction or update"),
            "subtitle": str(article),
            "opts": self.opts,
            "original": article,
            "form": form,
            "corrections": list(article.corrections.select_related("author")),
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.corrections_template, context)

    @staticmethod
    def _add_errors(form: CorrectionForm, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
