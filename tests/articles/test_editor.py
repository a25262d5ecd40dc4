"""The article body's editor: live preview endpoint, toolbar widget, word count, image picker."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from PIL import Image as PillowImage

from articles.editor import MAX_PREVIEW_CHARACTERS
from articles.models import Article
from media_library.models import Image
from tests.factories import article_admin_data, make_article, make_editor, make_user

pytestmark = pytest.mark.django_db

PREVIEW_URL = "/admin/articles/article/preview-body/"


def preview(client, body: str, **extra):
    return client.post(PREVIEW_URL, {"body": body, **extra})


def make_library_image(alt: str = "Wind turbines on the steppe", **fields) -> Image:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (64, 48), (40, 90, 160)).save(buffer, "PNG")
    return Image.objects.create(
        file=ContentFile(buffer.getvalue(), name="turbines.png"), alt_text=alt, **fields
    )


# The endpoint: what it renders.


def test_preview_url_is_the_admin_one():
    assert reverse("admin:articles_article_preview_body") == PREVIEW_URL


def test_preview_renders_markdown_as_the_article_page_does(editor):
    body = "## Steppe wind\n\nTurbines rise near **Ereymentau**.\n\n| a | b |\n| - | - |\n| 1 | 2 |"
    response = preview(editor, body)
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h2>Steppe wind</h2>" in html
    assert "<strong>Ereymentau</strong>" in html
    assert "<table>" in html
    assert html == str(Article(body=body).body_html)


class _Dangers(HTMLParser):
    """What a browser would run or fetch from the HTML: scripts, frames, styles, handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in {"script", "iframe", "object", "embed", "style", "svg", "math", "form"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                self.found.append(f"{name}= on <{tag}>")
            if name in {"href", "src", "action"} and re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.IGNORECASE
            ):
                self.found.append(f"{name}={value} on <{tag}>")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>",
        "[click me](javascript:alert(1))",
        "[click me](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href=" javascript:alert(1)">click</a>',
        "<img src=x onerror=alert(1)>",
        '<img src="javascript:alert(1)">',
        "![pic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<p onclick="steal()">text</p>',
        "<svg onload=alert(1)></svg>",
        '<iframe src="https://evil.example/"></iframe>',
        "<style>body{display:none}</style>",
        '<p style="position:fixed">covered</p>',
        '<form action="https://evil.example/"><button formaction="javascript:x()">Go</button>',
    ],
)
def test_preview_removes_hostile_html(editor, hostile):
    response = preview(editor, f"Before.\n\n{hostile}\n\nAfter.")
    assert response.status_code == 200
    html = response.json()["html"]
    dangers = _Dangers()
    dangers.feed(html)
    assert dangers.found == [], html
    assert "<p>After.</p>" in html


def test_preview_shows_a_library_image_as_a_figure(editor):
    image = make_library_image(caption="Ereymentau wind farm", credit="Summit")
    response = preview(editor, f'Intro.\n\n![Turbines](image:{image.pk} "Ereymentau wind farm")')
    html = response.json()["html"]
    assert "<figure" in html
    assert image.file.url in html
    assert "Ereymentau wind farm" in html


def test_preview_needs_few_queries_whatever_the_number_of_images(
    editor, django_assert_max_num_queries
):
    images = [make_library_image(f"Picture {n}") for n in range(5)]
    body = "\n\n".join(f"![Picture](image:{image.pk})" for image in images)
    # Session and user, the admin's permission checks, then one query for all the images.
    with django_assert_max_num_queries(8):
        response = preview(editor, body)
    assert response.json()["html"].count("<figure") == 5


# Word count and reading time: the article page's rules.


def test_preview_counts_words_and_reading_time_as_the_article_page(editor):
    body = "word " * 441
    answer = preview(editor, body).json()
    assert answer["words"] == 441
    assert answer["unit"] == "words"
    assert answer["reading_minutes"] == 3 == Article(body=body, language="en").reading_minutes


def test_japanese_reading_time_counts_characters(editor):
    body = "風力発電所が\n" * 100  # 600 characters and no spaces between words
    answer = preview(editor, body, language="ja").json()
    assert answer["unit"] == "characters"
    assert answer["words"] == 600
    assert answer["reading_minutes"] == 2 == Article(body=body, language="ja").reading_minutes
    # Read as English, the same text is 100 "words", a minute at most.
    english = preview(editor, body, language="en").json()
    assert (english["words"], english["reading_minutes"]) == (100, 1)


def test_empty_body_reads_in_a_minute(editor):
    answer = preview(editor, "").json()
    assert (answer["html"], answer["words"], answer["reading_minutes"]) == ("", 0, 1)


def test_language_defaults_to_english(editor):
    assert preview(editor, "один два три").json()["unit"] == "words"


def test_unknown_language_is_refused_with_a_reason(editor):
    response = preview(editor, "Text", language="xx")
    assert response.status_code == 400
    assert "Unknown language" in response.json()["error"]
    assert "en, ja, ru" in response.json()["error"]


def test_oversized_body_is_refused_with_a_reason(editor):
    response = preview(editor, "a" * (MAX_PREVIEW_CHARACTERS + 1))
    assert response.status_code == 400
    assert "too long to preview" in response.json()["error"]
    assert preview(editor, "a" * MAX_PREVIEW_CHARACTERS).status_code == 200


def test_preview_is_never_cached(editor):
    cache_control = preview(editor, "Draft text").headers["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


# Who may ask.


def test_get_is_not_allowed(editor):
    assert editor.get(PREVIEW_URL).status_code == 405


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = preview(client, "<b>secret</b>")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_signed_in_non_staff_get_no_preview(client):
    # Like every admin view: the admin asks them to sign in with a staff account.
    client.force_login(make_user("reader"))
    response = preview(client, "**text**")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_without_article_permissions_are_refused(client):
    client.force_login(make_user("clerk", is_staff=True))
    assert preview(client, "**text**").status_code == 403


def test_staff_who_may_only_view_articles_are_refused(client):
    clerk = make_user("viewer", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(clerk)
    assert preview(client, "**text**").status_code == 403


def test_contributors_may_preview(contributor):
    assert preview(contributor, "**text**").json()["html"] == "<p><strong>text</strong></p>\n"


def test_preview_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_editor("desk"))
    assert preview(client, "text").status_code == 403
    page = client.get(reverse("admin:articles_article_add"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    assert preview(client, "text", csrfmiddlewaretoken=token).status_code == 200


# The widget in the change form.


class _InlineCode(HTMLParser):
    """Inline scripts, style elements, style attributes and on* handlers: what CSP blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        self.found += [f"{name}= on <{tag}>" for name in names if name == "style"]
        self.found += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]


def test_change_form_has_the_editor_with_toolbar_preview_and_count(editor):
    article = make_article("Steppe wind", body="Turbines **rise**.")
    response = editor.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    html = response.text
    # Still the plain field: the form posts `body` as before, and works without JavaScript.
    assert re.search(r'<textarea name="body"[^>]*id="id_body"', html)
    assert "Turbines **rise**.</textarea>" in html
    assert 'role="toolbar"' in html
    assert f'data-preview-url="{PREVIEW_URL}"' in html
    for label, keys in [
        ("Bold", "Control+B Meta+B"),
        ("Italic", "Control+I Meta+I"),
        ("Link", "Control+K Meta+K"),
        ("Heading", "Control+Shift+H Meta+Shift+H"),
    ]:
        pattern = f'<button type="button"[^>]*aria-label="{label}" aria-keyshortcuts="{keys}"'
        assert re.search(pattern.replace("+", r"\+"), html), label
    for label in ("Quote", "Bulleted list", "Numbered list", "Table"):
        assert f'aria-label="{label}"' in html
    assert 'data-words-per-minute="220"' in html
    assert 'data-character-languages="ja"' in html
    assert "articles/js/editor.js" in html
    assert "articles/css/editor.css" in html


def test_add_form_has_the_editor(contributor):
    response = contributor.get(reverse("admin:articles_article_add"))
    assert 'data-md-editor data-preview-url="' in response.text


def test_change_form_has_no_inline_script_or_style(editor):
    article = make_article("Steppe wind", body="<script>alert(1)</script> and **bold**")
    response = editor.get(reverse("admin:articles_article_change", args=[article.pk]))
    parser = _InlineCode()
    parser.feed(response.text)
    assert parser.found == []


def _picker_url() -> str | None:
    try:
        return reverse("admin:media_library_image_picker")
    except NoReverseMatch:
        return None


def test_image_button_opens_the_media_library_picker(contributor):
    picker_url = _picker_url()
    if picker_url is None:
        pytest.skip("the media library has no picker view (admin:media_library_image_picker)")
    html = contributor.get(reverse("admin:articles_article_add")).text
    assert f'data-picker-url="{picker_url}"' in html
    assert 'data-md-action="image" aria-haspopup="dialog"' in html
    assert "<dialog" in html
    assert "Upload a new image" in html


def test_no_image_button_for_staff_who_cannot_browse_images(client):
    writer = make_user("writer", is_staff=True)
    writer.user_permissions.add(*Permission.objects.filter(codename__endswith="_article"))
    client.force_login(writer)
    html = client.get(reverse("admin:articles_article_add")).text
    assert 'data-md-editor data-preview-url="' in html
    assert "data-picker-url" not in html
    assert 'data-md-action="image"' not in html
    assert "<dialog" not in html


def test_view_only_staff_see_the_body_without_the_editor(client):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    article = make_article("Steppe wind", body="Turbines rise.")
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).text
    assert "Turbines rise." in html
    assert "data-md-editor" not in html


def test_contributor_saves_the_body_through_the_editor_form(contributor):
    data = article_admin_data(title="Wind finance", slug="wind-finance", body="**Bold** start.")
    data.pop("status")
    data.pop("publish_at_0")
    data.pop("publish_at_1")
    response = contributor.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert Article.objects.get(slug="wind-finance").body == "**Bold** start."
