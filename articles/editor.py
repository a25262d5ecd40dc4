"""The writing surface of the article admin: toolbar, live preview, word count, image picker.

The body stays a plain `<textarea name="body">`: the form posts as it always did, and without
JavaScript an editor still writes Markdown in a text box. With it (static/articles/js/editor.js)
a toolbar with keyboard shortcuts edits the text, a pane beside it shows the body as readers
will see it, and a status line counts words and reading time while the editor types.

The preview is rendered on the server by the same pipeline and sanitiser as the public page,
so what the pane shows is what readers get, and hostile Markdown is as harmless there as on
the site. Everything the script needs comes in data- attributes: the admin's Content Security
Policy allows no inline script.
"""

from __future__ import annotations

from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.body import render_body
from articles.models import (
    JAPANESE_CHARACTERS_PER_MINUTE,
    WORDS_PER_MINUTE,
    Article,
    minutes_to_read,
    reading_length,
)

# The longest body the preview renders: far beyond any article (a long read is ~10,000 words,
# some 70,000 characters), short enough that a runaway paste cannot tie up a worker.
MAX_PREVIEW_CHARACTERS = 200_000
DEFAULT_LANGUAGE = Article._meta.get_field("language").default
# Image search and upload are the media library's; the picker only lists what it answers.
IMAGE_PICKER_URL_NAME = "admin:media_library_image_picker"
# As the picker asks (`ModelAdmin.has_view_permission`): viewing, or changing, images.
IMAGE_PICKER_PERMISSIONS = ("media_library.view_image", "media_library.change_image")


class MarkdownEditorWidget(AdminTextareaWidget):
    """The body's textarea with a formatting toolbar, a live preview and a word count."""

    template_name = "admin/articles/widgets/markdown_editor.html"

    class Media:
        css = {"all": ("articles/css/editor.css",)}
        js = ("articles/js/editor.js",)

    def __init__(self, attrs: dict | None = None, *, picker_url: str = "") -> None:
        super().__init__(attrs={"class": "vLargeTextField md-editor-input", **(attrs or {})})
        self.picker_url = picker_url

    def get_context(self, name: str, value, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["editor"] = {
            "preview_url": reverse("admin:articles_article_preview_body"),
            "picker_url": self.picker_url,
            # The counting rules of articles.models, for the count shown while typing.
            "default_language": DEFAULT_LANGUAGE,
            "character_languages": Article.Language.JAPANESE.value,
            "words_per_minute": WORDS_PER_MINUTE,
            "characters_per_minute": JAPANESE_CHARACTERS_PER_MINUTE,
            # The script says so itself rather than send a body the server would refuse.
            "max_characters": MAX_PREVIEW_CHARACTERS,
        }
        return context

    def render(self, name: str, value, attrs: dict | None = None, renderer=None) -> SafeString:
        # Project templates (templates/admin/…), which the form renderer's own engine does
        # not search; a project-wide FORM_RENDERER would change every form's widgets.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


def image_picker_url(request: HttpRequest) -> str:
    """The media library's picker, or "" when this user cannot browse images (no button)."""
    if not any(request.user.has_perm(permission) for permission in IMAGE_PICKER_PERMISSIONS):
        return ""
    try:
        return reverse(IMAGE_PICKER_URL_NAME)
    except NoReverseMatch:
        return ""


class EditorAdminMixin:
    """Gives the article admin its Markdown editor and the preview endpoint the editor calls."""

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = MarkdownEditorWidget(picker_url=image_picker_url(request))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        return [
            path(
                "preview-body/",
                self.admin_site.admin_view(require_POST(self.preview_body_view)),
                name="articles_article_preview_body",
            ),
            *super().get_urls(),
        ]

    def preview_body_view(self, request: HttpRequest) -> JsonResponse:
        """The body rendered as readers will see it, with its length and reading time.

        POST, since a body is long and is not something to put in a URL (or a server log).
        Anyone who may write an article may preview one; the rest of the admin's rules
        (signed in, staff, CSRF) come from `admin_view`.
        """
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        text = request.POST.get("body", "")
        language = request.POST.get("language") or DEFAULT_LANGUAGE
        if language not in Article.Language.values:
            message = _("Unknown language “%(language)s”: choose one of %(choices)s.") % {
                "language": language[:20],
                "choices": ", ".join(Article.Language.values),
            }
            return _private_json({"error": message}, status=400)
        if len(text) > MAX_PREVIEW_CHARACTERS:
            message = _(
                "The body is too long to preview (%(length)s characters; the preview shows up "
                "to %(limit)s). Your text is kept, and saving works as before."
            ) % {
                "length": number_format(len(text), force_grouping=True),
                "limit": number_format(MAX_PREVIEW_CHARACTERS, force_grouping=True),
            }
            return _private_json({"error": message}, status=400)
        return _private_json(
            {
                "html": render_body(text),
                "words": reading_length(text, language),
                # Japanese is counted in characters, as its reading time is.
                "unit": "characters" if language == Article.Language.JAPANESE else "words",
                "reading_minutes": minutes_to_read(text, language),
            }
        )


def _private_json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    # An unsaved draft: no shared cache or browser history keeps it.
    patch_cache_control(response, private=True, no_store=True)
    return response
