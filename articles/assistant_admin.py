"""The newsroom assistant in the article admin: "Suggest from text" and "Import from text".

Suggest from text reads the title, standfirst and body as they stand in the form, unsaved
edits included, and shows the countries, cooperation areas and tags they mention with the
evidence, and the language they are written in. The form comes back unsaved: fields the
editor left empty are pre-filled, and choices already made are only ever added to when the
editor ticks suggestions and presses "Apply". The language is pre-selected while the form
still has the default one (English); another language the editor chose changes only with
"Apply". Nothing is saved until they press Save.

Both buttons post the change form to its own address; `add_view`/`change_view` answer them
by rendering the form again, unbound, with what the editor posted as its initial values, so
the request is never copied or altered and nothing is validated or saved.

Import from text turns pasted text or an uploaded .txt/.md file into a draft, the same way as
`manage.py import_article` (in the language the text is written in), and opens it. A text
whose title reads like an existing article's is refused with a link to that article, unless
"Import anyway" is ticked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from taggit.utils import parse_tags

from articles.importing import (
    MAX_BYTES,
    TEXT_SUFFIXES,
    ImportFailed,
    ImportResult,
    decode,
    field_list,
    import_article,
    parse,
    slug_for,
)
from articles.models import Article
from articles.suggestions import Suggestions, suggest
from countries.recognition import Mention, Snippet

SUGGEST = "_suggest"
APPLY = "_apply_suggestions"
TEXT_FIELDS = ("title", "dek", "body")
LANGUAGE_INPUT = "assistant_language"
DEFAULT_LANGUAGE = Article._meta.get_field("language").default


def sentence(clause: str) -> str:
    """A clause such as an `ImportFailed` message as a sentence: capital and full stop."""
    return _("%(clause)s.") % {"clause": f"{clause[:1].upper()}{clause[1:]}"}


def tags_value(names: list[str]) -> str:
    """Tag names as the tag field reads them back: quoted, so spaces and commas survive."""
    return ", ".join('"{}"'.format(name.replace('"', "")) for name in names)


@dataclass(frozen=True)
class Row:
    """One suggestion as the panel lists it."""

    value: str  # what its checkbox sends
    name: str
    count: int
    forms: str  # the spellings found, e.g. "Astana, Kazakh"
    snippets: list[Snippet]
    chosen: bool  # already in the form
    ticked: bool  # its checkbox starts ticked
    note: str = ""


class SuggestionPanel:
    """What the template shows: each suggestion, whether the form has it, and what was done."""

    def __init__(self, suggestions: Suggestions) -> None:
        self.suggestions = suggestions
        self.language = suggestions.language
        self.groups: list[tuple[str, str, list[Row]]] = []
        self.prefilled: list[str] = []
        self.applied: list[str] = []
        self.language_preselected = False
        # Whether the form has a language field, and whether it holds the detected language.
        self.language_in_form = False
        self.language_chosen = False

    def __bool__(self) -> bool:
        return True

    @property
    def has_unchosen(self) -> bool:
        return any(not row.chosen for _, _, rows in self.groups for row in rows) or (
            self.language_in_form and not self.language_chosen
        )

    def mark_chosen(self, values: dict[str, Any]) -> None:
        countries, areas, tags = chosen(values)
        found = self.suggestions
        self.language_in_form = "language" in values
        self.language_chosen = values.get("language") == found.language

        def mention_rows(mentions: list[Mention], ids: set[str]) -> list[Row]:
            return [
                Row(
                    str(m.pk),
                    m.name,
                    m.count,
                    m.forms_display(),
                    m.snippets,
                    chosen=str(m.pk) in ids,
                    ticked=True,
                )
                for m in mentions
            ]

        tag_rows = [
            Row(
                tag.name,
                tag.name,
                tag.count,
                "",
                [tag.snippet] if tag.snippet else [],
                chosen=tag.name.casefold() in tags,
                # A new tag is offered, never ticked for the editor.
                ticked=tag.existing,
                note="" if tag.existing else _("new tag"),
            )
            for tag in found.tags
        ]
        self.groups = [
            (_("Countries"), "assistant_country", mention_rows(found.countries, countries)),
            (_("Cooperation areas"), "assistant_area", mention_rows(found.areas, areas)),
            (_("Tags"), "assistant_tag", tag_rows),
        ]


def chosen(values: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    """Country and area ids and folded tag names the form holds."""
    return (
        {str(pk) for pk in values.get("countries") or []},
        {str(pk) for pk in values.get("cooperation_areas") or []},
        {name.casefold() for name in parse_tags(values.get("tags") or "")},
    )


class ImportForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Paste the text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "vLargeTextField"}),
    )
    upload = forms.FileField(
        label=gettext_lazy("or upload a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(TEXT_SUFFIXES)}),
    )
    update = forms.BooleanField(
        label=gettext_lazy("Replace the article imported before under the same title"),
        required=False,
        help_text=gettext_lazy("Otherwise an existing article is opened and left as it is."),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish now instead of saving a draft"),
        required=False,
        help_text=gettext_lazy(
            "Only if the pre-publish checklist passes; otherwise the draft is kept and the "
            "message says what is missing."
        ),
    )
    force = forms.BooleanField(
        label=gettext_lazy("Import anyway"),
        required=False,
        help_text=gettext_lazy(
            "Create a new article even when one with the same title (whatever the case "
            "and punctuation) exists."
        ),
    )

    def __init__(self, *args, can_publish: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _("Plain text or Markdown (%(suffixes)s), UTF-8.") % {
            "suffixes": ", ".join(TEXT_SUFFIXES)
        }
        if not can_publish:
            del self.fields["publish"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        text, upload = cleaned.get("text") or "", cleaned.get("upload")
        if self.errors:
            return cleaned
        if upload and text.strip():
            raise forms.ValidationError(_("Paste a text or upload a file, not both."))
        if upload:
            if not upload.name.lower().endswith(TEXT_SUFFIXES):
                raise forms.ValidationError(
                    {
                        "upload": _("Choose a %(suffixes)s file.")
                        % {"suffixes": ", ".join(TEXT_SUFFIXES)}
                    }
                )
            try:
                text = decode(upload.read(MAX_BYTES + 1))
            except ImportFailed as error:
                message = _("%(file)s: %(reason)s.") % {"file": upload.name, "reason": error}
                raise forms.ValidationError({"upload": message}) from None
        elif not text.strip():
            raise forms.ValidationError(_("Paste a text or upload a file."))
        try:
            cleaned["parsed"] = parse(text)
        except ImportFailed as error:
            field = "upload" if upload else "text"
            raise forms.ValidationError({field: sentence(str(error))}) from None
        return cleaned


def asks_for_suggestions(request: HttpRequest) -> bool:
    """Whether the change form was posted with "Suggest from text" or "Apply" rather than Save."""
    return request.method == "POST" and (SUGGEST in request.POST or APPLY in request.POST)


def posted_values(bound: forms.BaseForm) -> dict[str, Any]:
    """What the editor's form holds, by field, as the form reads its posted data."""
    return {
        name: bound[name].data
        for name, field in bound.fields.items()
        if not isinstance(field, forms.FileField)  # an upload must be chosen again
    }


class AssistantAdminMixin:
    """Adds the assistant to a ModelAdmin for Article; list it before the ModelAdmin base."""

    change_form_template = "admin/articles/article/assistant_change_form.html"
    import_template = "admin/articles/article/import_from_text.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            *super().get_urls(),
        ]

    # Suggest from text

    def add_view(self, request, form_url="", extra_context=None):
        if asks_for_suggestions(request):
            return self.suggestion_view(request, None, form_url, extra_context)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if asks_for_suggestions(request):
            return self.suggestion_view(request, object_id, form_url, extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    def suggestion_view(
        self, request: HttpRequest, object_id: str | None, form_url: str, extra_context
    ) -> HttpResponse:
        """Show the form again, unsaved, with the suggestions for what it says now."""
        add = object_id is None
        obj = None if add else self.get_object(request, unquote(object_id))
        if not add and obj is None:
            # Deleted meanwhile: the change page itself says so, as for any missing article.
            return HttpResponseRedirect(request.path)
        allowed = (
            self.has_add_permission(request) if add else self.has_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(
            request, obj, change=not add, fields=flatten_fieldsets(fieldsets)
        )
        values = posted_values(form_class(request.POST, request.FILES, instance=obj))
        text = "\n\n".join(
            str(values[name] if name in values else getattr(obj, name, "")) for name in TEXT_FIELDS
        )
        panel = SuggestionPanel(suggest(text))
        if APPLY in request.POST:
            self._apply(request, panel, values)
        else:
            if not any(chosen(values)):
                self._prefill(panel, values)
            self._preselect_language(panel, values)
        panel.mark_chosen(values)
        # Unbound: shown as the editor left it (plus suggestions), with no validation errors.
        form = form_class(initial=values, instance=obj)
        admin_form = helpers.AdminForm(
            form,
            list(fieldsets),
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": (_("Add %s") if add else _("Change %s")) % self.opts.verbose_name,
            "subtitle": str(obj) if obj else None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET,
            "media": self.media + admin_form.media,
            # The article admin has no inlines; one added later must be rendered here too.
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
            "assistant": panel,
        }
        return self.render_change_form(
            request, context, add=add, change=not add, obj=obj, form_url=form_url
        )

    def _prefill(self, panel: SuggestionPanel, values: dict[str, Any]) -> None:
        """Fill in a form with no countries, areas or tags chosen yet."""
        found = panel.suggestions
        if "countries" in values and found.countries:
            values["countries"] = [str(m.pk) for m in found.countries]
            panel.prefilled += [m.name for m in found.countries]
        if "cooperation_areas" in values and found.areas:
            values["cooperation_areas"] = [str(m.pk) for m in found.areas]
            panel.prefilled += [m.name for m in found.areas]
        # New phrases are only offered: a tag is created only when the editor picks it.
        existing = [t.name for t in found.tags if t.existing]
        if "tags" in values and existing:
            values["tags"] = tags_value(existing)
            panel.prefilled += existing

    def _preselect_language(self, panel: SuggestionPanel, values: dict[str, Any]) -> None:
        """Select the text's language in a form that still has the default one.

        A translation's language was chosen with its original in mind, so it is only offered.
        """
        if "language" not in values or values.get("translation_of"):
            return
        language, current = panel.language, values["language"]
        if current in ("", None, DEFAULT_LANGUAGE) and current != language:
            values["language"] = language.value
            panel.language_preselected = True

    def _apply(self, request: HttpRequest, panel: SuggestionPanel, values: dict[str, Any]) -> None:
        """Add the suggestions the editor ticked; only what was suggested can be added."""
        found = panel.suggestions
        language = found.language
        language_ticked = request.POST.get(LANGUAGE_INPUT) == language
        if "language" in values and language_ticked and values["language"] != language:
            values["language"] = language.value
            panel.applied.append(str(language.label))
        for field, key, mentions in (
            ("countries", "assistant_country", found.countries),
            ("cooperation_areas", "assistant_area", found.areas),
        ):
            ticked = set(request.POST.getlist(key))
            current = [str(pk) for pk in values.get(field) or []]
            added = [m for m in mentions if str(m.pk) in ticked and str(m.pk) not in current]
            if field in values and added:
                values[field] = current + [str(m.pk) for m in added]
                panel.applied += [m.name for m in added]
        ticked = set(request.POST.getlist("assistant_tag"))
        current = parse_tags(values.get("tags") or "")
        known = {name.casefold() for name in current}
        added_tags = [
            t.name for t in found.tags if t.name in ticked and t.name.casefold() not in known
        ]
        if "tags" in values and added_tags:
            values["tags"] = tags_value(current + added_tags)
            panel.applied += added_tags

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Our template adds the panel to whichever change form would otherwise be used.
        opts = self.opts
        context["assistant_base_template"] = select_template(
            [
                f"admin/{opts.app_label}/{opts.model_name}/change_form.html",
                f"admin/{opts.app_label}/change_form.html",
                "admin/change_form.html",
            ]
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Import from text

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        can_publish = request.user.has_perm(f"{self.opts.app_label}.publish_article")
        form = ImportForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            can_publish=can_publish,
        )
        if request.method == "POST" and form.is_valid():
            parsed = form.cleaned_data["parsed"]
            existing = self.model.objects.filter(slug=slug_for(parsed.title)).first()
            if (
                form.cleaned_data["update"]
                and existing
                and not self.has_change_permission(request, existing)
            ):
                form.add_error(
                    "update", _("You may not change “%(article)s”.") % {"article": existing}
                )
            else:
                try:
                    result = import_article(
                        parsed,
                        update=form.cleaned_data["update"],
                        publish=form.cleaned_data.get("publish", False),
                        force=form.cleaned_data["force"],
                        author=request.user,
                    )
                except ImportFailed as error:
                    form.add_error(None, sentence(str(error)))
                else:
                    if result.outcome != "duplicate":
                        return self._report_import(request, result)
                    form.add_error(
                        "force",
                        self._duplicate_error(
                            request, result.article, reupload=bool(form.cleaned_data["upload"])
                        ),
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import from text"),
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, self.import_template, context)

    def _duplicate_error(
        self, request: HttpRequest, article: Article, *, reupload: bool
    ) -> SafeString:
        """The form error for a likely duplicate: the existing article, linked when viewable."""
        name = pgettext("quoted title", "“%(title)s”") % {"title": article}
        if self.has_view_permission(request, article):
            info = self.opts.app_label, self.opts.model_name
            url = reverse("admin:{}_{}_change".format(*info), args=[article.pk])
            name = format_html('<a href="{}">{}</a>', url, name)
        if reupload:
            message = _(
                "An article with this title already exists: {article} ({status}). Nothing was "
                "imported; tick “Import anyway” (and choose the file again) to create a second "
                "article."
            )
        else:
            message = _(
                "An article with this title already exists: {article} ({status}). Nothing was "
                "imported; tick “Import anyway” to create a second article."
            )
        return format_html(message, article=name, status=article.get_status_display().lower())

    def _report_import(self, request: HttpRequest, result: ImportResult) -> HttpResponse:
        article = result.article
        if result.outcome == "created":
            self.log_addition(request, article, [{"added": {}}])
            message = _("Imported “%(article)s”: %(summary)s.")
            values = {"article": article, "summary": result.describe()}
            self.message_user(request, message % values, messages.SUCCESS)
        elif result.outcome == "updated":
            self.log_change(request, article, [{"changed": {"fields": list(result.changed)}}])
            message = _("Updated “%(article)s”: %(summary)s.")
            values = {"article": article, "summary": result.describe()}
            self.message_user(request, message % values, messages.SUCCESS)
        elif result.changed:
            self.message_user(
                request,
                _(
                    "“%(article)s” was imported before and its %(fields)s differ from this "
                    "text. Nothing was changed; import again with “Replace” ticked to "
                    "replace it."
                )
                % {"article": article, "fields": field_list(result.changed)},
                messages.WARNING,
            )
        else:
            self.message_user(
                request,
                _("“%(article)s” was imported before from the same text.") % {"article": article},
                messages.INFO,
            )
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_change".format(*info), args=[article.pk]))
