"""Pages follow an edited image at once; the articles' orphan clean-up never judges the library."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from articles.events import articles_changed
from tests.factories import make_article
from tests.media_library.factories import make_article_showing, make_image, picture_bytes

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_editing_an_image_shows_at_once_on_the_pages_that_use_it(
    client, editor, django_capture_on_commit_callbacks
):
    image = make_image("Turbines", caption="Old caption", credit="Old credit")
    article = make_article_showing(image, title="Wind farms court lenders")
    url = article.get_absolute_url()
    client.logout()
    assert "Old caption" in text(client.get(url))
    assert "Old caption" in text(client.get(url))  # now served from the page cache

    editor.force_login(editor.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:media_library_image_change", args=[image.pk]),
            {
                "alt_text": "Turbines",
                "caption": "New caption",
                "credit": "New credit",
                "focal_x": 50,
                "focal_y": 50,
            },
        )
    assert response.status_code == 302
    editor.logout()
    page = text(client.get(url))
    assert "New caption" in page and "New credit" in page and "Old caption" not in page


def test_an_edit_announces_the_articles_that_show_the_image(django_capture_on_commit_callbacks):
    image = make_image()
    showing = [make_article_showing(image) for _ in range(2)]
    make_article_showing(make_image("Another"))
    announced = []

    def listen(sender, article_ids, **kwargs):
        announced.append(article_ids)

    articles_changed.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            image.caption = "Changed"
            image.save()
        with django_capture_on_commit_callbacks(execute=True):
            make_image("A new upload announces nothing")
    finally:
        articles_changed.disconnect(listen)
    assert announced == [frozenset(article.pk for article in showing)]


def test_remove_orphan_media_leaves_library_files_alone():
    used = make_image("Used")
    make_article_showing(used)
    unused = make_image("Not used by any article")
    root = Path(django_settings.MEDIA_ROOT)
    library = {path for path in (root / "library").rglob("*") if path.is_file()}
    assert len(library) == 6
    # An uploaded article image nothing uses, which the command must remove.
    stray = root / "articles" / "2026" / "01" / ("0" * 32 + ".jpg")
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(picture_bytes())

    out = StringIO()
    call_command("remove_orphan_media", "--min-age=0", stdout=out)
    assert not stray.exists()
    assert "library/" not in out.getvalue()
    assert {path for path in (root / "library").rglob("*") if path.is_file()} == library
    assert unused.file.storage.exists(unused.file.name)


def test_the_article_page_without_library_images_is_unchanged(client):
    article = make_article("Plain", body="Just text.")
    assert "body-image" not in text(client.get(article.get_absolute_url()))
