"""The review workflow in the article admin: submit, return and approve, with the checklist.

A Contributor writes a draft and presses "Submit for review" (a button beside Save, with an
optional note in the form); the article is then in review and no longer theirs to change.
An Editor sees, on the change page, the review panel (state, the pre-publish checklist with
✓/✗, the latest review notes) and two pages of its own under the article's admin URLs:
"Approve" (publish now or schedule, with the checklist shown first and an override reason
when it fails) and "Return to draft" (with a note the author reads). Saving the form with a
new status takes the same steps. Every step goes through the model's write path
(`Article.submit_for_review`, `return_to_draft`, `publish`); the roles are
articles/workflow.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.admin_forms import override_reason_field
from articles.checklist import ChecklistError, ChecklistInput, run_checklist
from articles.models import Article, ReviewNote, ReviewStepRefused
from articles.workflow import may_review, may_submit, publication_state
from summit.dates import format_local

# The latest review notes shown on the change page.
NOTES_SHOWN = 5
NOTE_MAX_LENGTH = 2000

SUBMIT_FOR_REVIEW = "_submit_for_review"


class ApproveForm(forms.Form):
    """Publish now or at a time, with a note for the author and, if needed, a reason."""

    when = forms.ChoiceField(
        label=gettext_lazy("When"),
        choices=[
            ("now", gettext_lazy("Publish now")),
            ("schedule", gettext_lazy("Schedule for the time below")),
        ],
        initial="now",
        widget=forms.RadioSelect,
    )
    publish_at = forms.SplitDateTimeField(
        label=gettext_lazy("Publish at"),
        required=False,
        widget=admin_widgets.AdminSplitDateTime,
        help_text=gettext_lazy("Only when scheduling; in the site's time zone."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the author"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    override_reason = override_reason_field()

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if cleaned_data.get("when") == "schedule":
            at = cleaned_data.get("publish_at")
            if at is None:
                self.add_error("publish_at", _("Choose when the article goes live."))
            elif at <= timezone.now():
                self.add_error(
                    "publish_at",
                    _("Choose a time in the future, or “Publish now”."),
                )
        return cleaned_data

    @property
    def publish_time(self) -> datetime | None:
        if self.cleaned_data.get("when") == "schedule":
            return self.cleaned_data["publish_at"]
        return None


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note for the author"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=gettext_lazy(
            "What should change before it can be published. The author sees it on the article's "
            "page here and in an email."
        ),
    )


class ReviewAdminMixin:
    """Adds the review workflow to the Article admin; list it before the ModelAdmin base."""

    approve_template = "admin/articles/article/review_approve.html"
    return_template = "admin/articles/article/review_return.html"

    @property
    def media(self) -> forms.Media:
        return super().media + forms.Media(css={"all": ["articles/css/review.css"]})

    # URLs: the Editor's two steps, each a page of its own that a GET shows and a POST takes.

    def _review_url_name(self, step: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_review_{step}"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/review/approve/",
                self.admin_site.admin_view(self.approve_view),
                name=self._review_url_name("approve"),
            ),
            path(
                "<path:object_id>/review/return/",
                self.admin_site.admin_view(self.return_view),
                name=self._review_url_name("return"),
            ),
            *super().get_urls(),
        ]

    def _review_url(self, step: str, article: Article) -> str:
        return reverse(
            f"admin:{self._review_url_name(step)}",
            args=[article.pk],
            current_app=self.admin_site.name,
        )

    def _change_url(self, article: Article) -> str:
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[article.pk],
            current_app=self.admin_site.name,
        )

    # The change form: the review panel, the note and override fields, the submit button.

    def review_fieldsets(self, request: HttpRequest, obj: Article | None) -> list:
        """The form's "Review" fieldset: the note (and for Editors the override reason)."""
        if may_review(request.user):
            fields = ("review_note", "override_reason")
        elif may_submit(request.user, obj):
            fields = ("review_note",)
        else:
            return []
        return [(gettext_lazy("Review"), {"fields": fields})]

    def review_context(self, request: HttpRequest, article: Article) -> dict:
        """What the review panel shows: state, checklist, latest notes, the Editor's steps."""
        notes = list(
            ReviewNote.objects.filter(article=article)
            .select_related("user")
            .order_by("-created_at", "-pk")[:NOTES_SHOWN]
        )
        can_review = may_review(request.user)
        context = {
            "state": publication_state(article),
            "status": article.status,
            "in_review": article.status == Article.Status.REVIEW,
            "checklist": run_checklist(ChecklistInput.of(article)),
            "notes": notes,
            "returned": next(
                (note for note in notes if note.kind == ReviewNote.Kind.RETURNED), None
            )
            if article.status == Article.Status.DRAFT
            else None,
        }
        if can_review and not article.is_public:
            context["approve_url"] = self._review_url("approve", article)
        if can_review and article.status != Article.Status.DRAFT:
            context["return_url"] = self._review_url("return", article)
        return context

    def add_view(self, request, form_url="", extra_context=None):
        context = {"show_submit_for_review": may_submit(request.user, None)}
        context.update(extra_context or {})
        return super().add_view(request, form_url, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {}
        article = self.get_object(request, unquote(object_id))
        if article is not None and self.version_being_restored(request) is None:
            context["review"] = self.review_context(request, article)
            context["show_submit_for_review"] = may_submit(request.user, article)
        context.update(extra_context or {})
        return super().change_view(request, object_id, form_url, context)

    def save_article(
        self,
        request: HttpRequest,
        form: forms.ModelForm,
        change: bool,
        *,
        comment: str,
        expected_version: int | None,
        set_related: Callable[[], None],
    ) -> None:
        """Save the form's article as the step it takes: submitted, returned, published or
        scheduled, or an ordinary save. Called by `ArticleAdmin.save_related`."""
        article: Article = form.instance
        user = request.user
        note = form.cleaned_data.get("review_note", "").strip()
        saved = (
            Article.objects.filter(pk=article.pk).values_list("status", flat=True).first()
            if change
            else None
        )
        write = {
            "user": user,
            "comment": comment,
            "expected_version": expected_version,
            "set_related": set_related,
        }
        target = article.status
        if SUBMIT_FOR_REVIEW in request.POST:
            # The button shows only on a draft; anything else is a forged request.
            if saved not in (None, Article.Status.DRAFT):
                raise PermissionDenied("Only a draft can be submitted for review.")
            article.status = Article.Status.DRAFT
            article.submit_for_review(note=note, **write)
        elif target == Article.Status.PUBLISHED and saved != Article.Status.PUBLISHED:
            if not may_review(user):
                raise PermissionDenied("Only editors may publish or schedule articles.")
            reason = form.cleaned_data.get("override_reason", "")
            try:
                article.publish(
                    at=article.publish_at,
                    override_reason=reason,
                    note=note,
                    countries=form.cleaned_data.get("countries"),
                    areas=form.cleaned_data.get("cooperation_areas"),
                    **write,
                )
            except ChecklistError as error:
                # The form checked the same values; only a change made meanwhile gets here.
                raise PermissionDenied(error.message) from error
        elif target == Article.Status.DRAFT and saved == Article.Status.REVIEW:
            article.return_to_draft(note=note, **write)
        elif target == Article.Status.REVIEW and saved in (None, Article.Status.DRAFT):
            article.submit_for_review(note=note, **write)
        else:
            article.save_revision(**write)

    def response_add(self, request: HttpRequest, obj: Article, post_url_continue=None):
        self._say_submitted(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Article) -> HttpResponse:
        self._say_submitted(request, obj)
        return super().response_change(request, obj)

    def _say_submitted(self, request: HttpRequest, article: Article) -> None:
        if SUBMIT_FOR_REVIEW in request.POST and article.status == Article.Status.REVIEW:
            self.message_user(
                request,
                _(
                    "“%(article)s” is submitted for review: the editors have been told. You "
                    "can read it here meanwhile; an editor will publish it or return it to you "
                    "with a note."
                )
                % {"article": article},
                messages.SUCCESS,
            )

    # The Editor's steps.

    def _article_for_review(self, request: HttpRequest, object_id: str) -> Article:
        if not may_review(request.user):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No such article."))
        return article

    def approve_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The checklist, then publish now or schedule; a failing checklist needs a reason."""
        article = self._article_for_review(request, object_id)
        change_url = self._change_url(article)
        if article.is_public:
            self.message_user(
                request,
                _("“%(article)s” is already live.") % {"article": article},
                messages.WARNING,
            )
            return redirect(change_url)
        checklist = run_checklist(ChecklistInput.of(article))
        failing = [item for item in checklist if not item.passed]
        form = ApproveForm(
            request.POST if request.method == "POST" else None,
            initial={"publish_at": article.publish_at if article.is_scheduled else None},
        )
        if request.method == "POST" and form.is_valid():
            try:
                article.publish(
                    user=request.user,
                    at=form.publish_time,
                    override_reason=form.cleaned_data["override_reason"],
                    note=form.cleaned_data["note"].strip(),
                )
            except ChecklistError as error:
                form.add_error("override_reason", error.message)
            else:
                if article.is_scheduled:
                    message = _("“%(article)s” is scheduled: it goes live %(time)s.") % {
                        "article": article,
                        "time": format_local(article.publish_at),
                    }
                else:
                    message = _("“%(article)s” is published.") % {"article": article}
                self.message_user(request, message, messages.SUCCESS)
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Approve “%(article)s”") % {"article": article},
            "opts": self.opts,
            "original": article,
            "form": form,
            "checklist": checklist,
            "failing": failing,
            "state": publication_state(article),
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.approve_template, context)

    def return_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Back to draft with a note the author reads (required)."""
        article = self._article_for_review(request, object_id)
        change_url = self._change_url(article)
        if article.status == Article.Status.DRAFT:
            self.message_user(
                request,
                _("“%(article)s” is already a draft.") % {"article": article},
                messages.WARNING,
            )
            return redirect(change_url)
        form = ReturnForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                article.return_to_draft(user=request.user, note=form.cleaned_data["note"])
            except ReviewStepRefused as error:
                form.add_error("note", error.message)
            else:
                self.message_user(
                    request,
                    _("“%(article)s” is a draft again; its author has your note.")
                    % {"article": article},
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Return “%(article)s” to draft") % {"article": article},
            "opts": self.opts,
            "original": article,
            "form": form,
            "state": publication_state(article),
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.return_template, context)
