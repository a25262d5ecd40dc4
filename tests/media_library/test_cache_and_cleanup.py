"""Pages follow an edited image at once (the orphan clean-up of library files is in
test_orphan_files.py)."""

import pytest
from django.urls import reverse

from articles.events import articles_changed
from tests.factories import make_article
from tests.media_library.factories import make_article_showing, make_image

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


def test_the_article_page_without_library_images_is_unchanged(client):
    article = make_article("Plain", body="Just text.")
    assert "body-image" not in text(client.get(article.get_absolute_url()))
