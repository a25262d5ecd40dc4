"""Forms and widgets of the articles admin: edit-conflict guard, safe uploads, tag autocomplete."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from taggit.forms import TagWidget

from articles.checklist import ChecklistInput, checklist_problems
from articles.models import Article, EditConflict, Tag
from summit import images
from summit.widgets import use_focal_point_widgets


class LeadImageFormField(forms.ImageField):
    """Accepts only real JPEG, PNG, WebP or GIF images within the size and pixel limits.

    The file's name and extension are not trusted (the stored copy gets a random name), so
    Django's extension check would only produce a confusing message; Pillow decides.
    """

    default_validators: list = []
    default_error_messages = {"invalid_image": gettext_lazy(images.NOT_AN_IMAGE)}

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return images.clean_upload(upload)


class TagAutocompleteWidget(TagWidget):
    """taggit's comma-separated tag box, suggesting existing tags as the editor types.

    Suggestions come from the admin's tag autocomplete view into the browser's own suggestion
    list (a `<datalist>`), so the field stays a plain text box: keyboard and screen readers
    work as usual, and without JavaScript it is simply the text box it always was. With it,
    Enter adds the tag being typed instead of submitting the whole article.
    """

    help_text = gettext_lazy(
        "Type a tag and press Enter or a comma to add it; existing tags are suggested, "
        "most used first."
    )

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            attrs={"class": "vTextField tag-autocomplete", "autocomplete": "off", **(attrs or {})}
        )

    class Media:
        js = ("articles/js/tag_autocomplete.js",)

    def get_context(self, name: str, value, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-autocomplete-url"] = reverse("admin:articles_tag_autocomplete")
        widget_attrs["list"] = f"{widget_attrs.get('id', name)}_suggestions"
        return context

    def render(self, name: str, value, attrs: dict | None = None, renderer=None) -> str:
        list_id = f"{(attrs or {}).get('id', name)}_suggestions"
        return super().render(name, value, attrs, renderer) + format_html(
            '<datalist id="{}"></datalist>', list_id
        )


def override_reason_field() -> forms.CharField:
    """The Editor's reason to publish although the pre-publish checklist fails: the article
    form and the approve page ask for it alike, and the write path records it."""
    return forms.CharField(
        label=gettext_lazy("Reason to publish despite the checklist"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy(
            "Only when the pre-publish checklist fails and the article must go out anyway: "
            "the reason and what was missing are recorded in its history."
        ),
    )


class ArticleAdminForm(forms.ModelForm):
    """The admin builds the model fields; this adds the version the editor started from."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The review workflow (articles/review_admin.py): not model fields, read when saving.
    review_note = forms.CharField(
        label=gettext_lazy("Note for the review"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy(
            "With “Submit for review”: what the editor should know. When an editor returns "
            "the article to draft: what the author should change (required then)."
        ),
    )
    override_reason = override_reason_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        for name in ("lead_image_focal_x", "lead_image_focal_y"):
            if name in self.fields:
                # A form opened before the fields existed, or a script, may not send them:
                # keep the article's focal point (the centre for a new one) rather than refuse.
                self.fields[name].required = False
        use_focal_point_widgets(
            self,
            x="lead_image_focal_x",
            y="lead_image_focal_y",
            image=self.instance.lead_image,
            image_width=self.instance.lead_image_width,
        )

    def clean_lead_image_focal_x(self) -> int:
        return self._focal_point_or_kept("lead_image_focal_x")

    def clean_lead_image_focal_y(self) -> int:
        return self._focal_point_or_kept("lead_image_focal_y")

    def _focal_point_or_kept(self, name: str) -> int:
        # An emptied box means "no opinion": keep the article's value (the centre if new).
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean(self) -> dict:
        cleaned_data = super().clean()
        self._check_kicker_choice(cleaned_data)
        self._check_review_step(cleaned_data)
        if self.instance.pk and cleaned_data.get("loaded_version") is None:
            # Without the version the form was opened at, a save could silently overwrite
            # someone else's; every admin form carries it, so only a forged request lacks it.
            raise ValidationError(
                _(
                    "This form does not say which version of the article it was opened at. "
                    "Reload the page, then make your changes again."
                ),
                code="missing_version",
            )
        if self.instance.pk:
            try:
                # Locks the row until the admin's transaction ends; the save checks again.
                self.instance.check_version(cleaned_data["loaded_version"])
            except EditConflict as conflict:
                # Keep everything the editor typed, but let the next save go through once
                # they have merged: the form now carries the version they were shown.
                data = self.data.copy()
                data["loaded_version"] = conflict.current_version
                self.data = data
                message = conflict.message
                differing = self._fields_differing_from_saved(cleaned_data)
                if differing:
                    message = _("%(conflict)s Fields where your version differs: %(fields)s.") % {
                        "conflict": message,
                        "fields": ", ".join(differing),
                    }
                raise ValidationError(message, code="edit_conflict") from None
        return cleaned_data

    def _check_kicker_choice(self, cleaned_data: dict) -> None:
        # Against the countries and areas submitted with it: the model cannot check this
        # itself, since the admin saves them after the article.
        if not {"countries", "cooperation_areas"} <= cleaned_data.keys():
            return  # one of them is invalid and already has its own error
        try:
            Article.check_kicker_choice(
                cleaned_data.get("primary_country"),
                cleaned_data.get("primary_area"),
                cleaned_data["countries"],
                cleaned_data["cooperation_areas"],
            )
        except ValidationError as error:
            self.add_error(None, error)

    def _check_review_step(self, cleaned_data: dict) -> None:
        # Only Editors' forms have a status. `self.instance` still holds the saved status:
        # the form copies its values into it after clean().
        status = cleaned_data.get("status")
        saved = self.instance.status if self.instance.pk else None
        if status is None or status == saved:
            return
        if status == Article.Status.DRAFT and saved == Article.Status.REVIEW:
            if not cleaned_data.get("review_note", "").strip():
                self.add_error(
                    "review_note",
                    _("Returning an article to draft: write what the author should change."),
                )
            return
        if status != Article.Status.PUBLISHED or saved == Article.Status.PUBLISHED:
            return
        if not {"countries", "cooperation_areas"} <= cleaned_data.keys():
            return  # one of them is invalid and already has its own error
        # The pre-publish checklist, on the values about to be saved.
        values = {
            name: cleaned_data[name]
            for name in ("title", "dek", "body", "lead_image", "lead_image_alt")
            if name in cleaned_data
        }
        problems = checklist_problems(
            ChecklistInput.of(
                self.instance,
                countries=cleaned_data["countries"],
                areas=cleaned_data["cooperation_areas"],
                **values,
            )
        )
        if problems and not cleaned_data.get("override_reason", "").strip():
            self.add_error(
                None,
                ValidationError(
                    _(
                        "Not published: the pre-publish checklist found %(problems)s. Fix "
                        "them, or fill in “Reason to publish despite the checklist”."
                    )
                    % {"problems": "; ".join(problems)},
                    code="checklist",
                ),
            )

    def _fields_differing_from_saved(self, cleaned_data: dict) -> list[str]:
        saved = Article.objects.get(pk=self.instance.pk)
        plain = {f.name for f in Article._meta.concrete_fields if not f.is_relation}
        return [
            str(self.fields[name].label)
            for name in self.fields
            if name in plain
            and name in cleaned_data
            and _comparable(cleaned_data[name]) != _comparable(getattr(saved, name))
        ]


def _comparable(value):
    # The form has whole seconds where the database may hold microseconds, and None where
    # the database has a file field without a file.
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, FieldFile):
        return value.name or None
    return value


class TagAdminForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ("name", "slug")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Tag.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if clash:
            raise ValidationError(
                _(
                    "There is already a tag “%(tag)s”. Tags ignore case; to combine the two, "
                    "select both in the tag list and use “Merge selected tags”."
                )
                % {"tag": clash.name}
            )
        return name


class MergeTagsForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label=gettext_lazy("Keep this tag"),
        help_text=gettext_lazy("Every article with the other selected tags gets this one instead."),
    )

    def __init__(self, *args, tags, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tags
