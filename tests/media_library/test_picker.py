"""The image picker's endpoint: what the editor's image button asks for, as JSON."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from articles.body import render_body
from media_library.models import Image
from tests.factories import make_user
from tests.media_library.factories import make_image

pytestmark = pytest.mark.django_db

PICKER_URL = reverse("admin:media_library_image_picker")


def test_the_address_is_the_documented_one():
    assert PICKER_URL == "/admin/media_library/image/picker/"


def test_each_result_has_what_the_picker_shows_and_inserts(editor):
    image = make_image("Turbines at dusk", caption="Near Ereymentau", credit="Aida Sarsen")
    response = editor.get(PICKER_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    stem = Path(image.file.name).stem
    folder = Path(image.file.name).parent
    assert response.json() == {
        "results": [
            {
                "id": image.pk,
                "thumbnail": f"/media/{folder}/{stem}-480w.webp",
                "alt": "Turbines at dusk",
                "caption": "Near Ereymentau",
                "credit": "Aida Sarsen",
                "width": 1200,
                "height": 800,
                "markdown": f'![Turbines at dusk](image:{image.pk} "Near Ereymentau")',
            }
        ],
        "page": 1,
        "has_next": False,
        "add_url": "/admin/media_library/image/add/",
    }


def test_an_image_without_renditions_shows_its_original_as_thumbnail(editor):
    image = make_image(size=(300, 200), renditions=False, file_name="old-photo.jpg")
    result = editor.get(PICKER_URL).json()["results"][0]
    assert result["thumbnail"] == image.file.url


def test_the_markdown_escapes_what_would_end_the_reference(editor):
    image = make_image('The [old] "bridge" \\ river', caption='The "new" bridge]')
    markdown = editor.get(PICKER_URL).json()["results"][0]["markdown"]
    assert markdown == (
        f'![The \\[old\\] "bridge" \\\\ river](image:{image.pk} "The \\"new\\" bridge]")'
    )
    # And it renders back to the same words.
    html = str(render_body(markdown))
    assert 'alt="The [old] &quot;bridge&quot; \\ river"' in html
    assert "<figcaption>The &quot;new&quot; bridge]</figcaption>" in html


def test_newest_first_twenty_four_a_page(editor):
    start = timezone.now() - timedelta(days=30)
    made = []
    for number in range(30):
        image = make_image(f"Picture {number}", renditions=False)
        Image.objects.filter(pk=image.pk).update(uploaded_at=start + timedelta(hours=number))
        made.append(image)
    first = editor.get(PICKER_URL).json()
    assert [result["alt"] for result in first["results"]] == [
        f"Picture {number}" for number in range(29, 5, -1)
    ]
    assert first["page"] == 1 and first["has_next"] is True
    second = editor.get(PICKER_URL, {"page": "2"}).json()
    assert [result["alt"] for result in second["results"]] == [
        f"Picture {number}" for number in range(5, -1, -1)
    ]
    assert second["page"] == 2 and second["has_next"] is False
    beyond = editor.get(PICKER_URL, {"page": "9"}).json()
    assert beyond["results"] == [] and beyond["has_next"] is False


def test_search_looks_in_alt_text_caption_and_credit(editor):
    make_image("Turbines at dusk", caption="Ereymentau", credit="Press office")
    make_image("Grain silo", caption="Kostanay", credit="Aida Sarsen")
    make_image("Rail yard", caption="Dostyk", credit="Archive")
    for term, expected in [("turbines", "Turbines at dusk"), ("kostanay", "Grain silo")]:
        results = editor.get(PICKER_URL, {"q": term}).json()["results"]
        assert [result["alt"] for result in results] == [expected]
    results = editor.get(PICKER_URL, {"q": "sarsen"}).json()["results"]
    assert [result["alt"] for result in results] == ["Grain silo"]
    assert editor.get(PICKER_URL, {"q": "nothing like it"}).json()["results"] == []


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "1e3", "99999999999999999999", "\u0661"])
def test_a_malformed_page_is_a_400_with_a_message(editor, page):
    make_image()
    response = editor.get(PICKER_URL, {"page": page})
    assert response.status_code == 400
    assert response.json() == {"error": "The page must be a whole number from 1."}


def test_a_contributor_may_pick_images(contributor):
    make_image("Turbines at dusk")
    response = contributor.get(PICKER_URL)
    assert response.status_code == 200
    assert [result["alt"] for result in response.json()["results"]] == ["Turbines at dusk"]
    assert response.json()["add_url"] == "/admin/media_library/image/add/"


def test_staff_without_the_view_permission_are_refused(client):
    make_image()
    client.force_login(make_user("clerk", is_staff=True))
    response = client.get(PICKER_URL)
    assert response.status_code == 403
    assert "error" in response.json()


def test_readers_are_sent_to_sign_in_and_see_no_images(client):
    make_image("Turbines at dusk")
    response = client.get(PICKER_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    client.force_login(make_user("reader"))
    response = client.get(PICKER_URL)
    assert response.status_code == 302
    assert b"Turbines" not in response.content


def test_a_viewer_who_may_not_upload_gets_no_upload_link(client):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_image"))
    client.force_login(viewer)
    response = client.get(PICKER_URL)
    assert response.status_code == 200
    assert response.json()["add_url"] is None


def test_the_picker_costs_the_same_queries_for_any_page(editor, django_assert_max_num_queries):
    for number in range(30):
        make_image(f"Picture {number}", renditions=False)
    editor.get(PICKER_URL)
    with django_assert_max_num_queries(6):
        assert editor.get(PICKER_URL, {"page": 2}).status_code == 200


def test_the_picker_is_never_cached(editor):
    make_image()
    assert "no-cache" in editor.get(PICKER_URL)["Cache-Control"]
