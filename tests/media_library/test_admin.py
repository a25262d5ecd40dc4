"""The media library's admin: the list, search, roles, and deleting only what nothing uses."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.urls import reverse

from articles.models import ArticleImage
from media_library.admin import ImageAdmin
from media_library.models import Image
from tests.media_library.factories import make_article_showing, make_image

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:media_library_image_changelist")


def delete_url(image: Image) -> str:
    return reverse("admin:media_library_image_delete", args=[image.pk])


def stored(image_or_name) -> bool:
    name = getattr(getattr(image_or_name, "file", None), "name", image_or_name)
    return (Path(django_settings.MEDIA_ROOT) / name).exists()


def files_of(image: Image) -> list[Path]:
    path = Path(image.file.path)
    return [path, *path.parent.glob(f"{path.stem}-*w.webp")]


def text(response) -> str:
    return response.content.decode()


# The list


def test_the_list_shows_a_thumbnail_with_its_size_and_alt_text(editor):
    image = make_image("Turbines at dusk", caption="Ereymentau", credit="Aida Sarsen")
    make_article_showing(image, title="Wind farms court lenders")
    make_article_showing(image, title="Second story")
    response = editor.get(LIST_URL)
    assert response.status_code == 200
    page = text(response)
    stem = Path(image.file.name).stem
    # The smallest rendition, scaled to fit the list, with its proportions and description.
    assert f'src="/media/{Path(image.file.name).parent}/{stem}-480w.webp"' in page
    assert 'width="96" height="64" alt="Turbines at dusk"' in page
    assert "Ereymentau" in page and "Aida Sarsen" in page
    assert "2 articles" in page


def test_an_unused_image_says_so(editor):
    make_image()
    assert "not used" in text(editor.get(LIST_URL))


def test_the_list_runs_the_same_queries_however_many_images(editor, django_assert_max_num_queries):
    for number in range(3):
        make_article_showing(make_image(f"Picture {number}"), title=f"Story {number}")
    editor.get(LIST_URL)
    with django_assert_max_num_queries(12) as few:
        editor.get(LIST_URL)
    for number in range(3, 15):
        make_article_showing(make_image(f"Picture {number}"), title=f"Story {number}")
    with django_assert_max_num_queries(len(few)):
        assert "Picture 14" in text(editor.get(LIST_URL))


@pytest.mark.parametrize(
    "term, found",
    [("dusk", "Turbines at dusk"), ("ereymentau", "Turbines at dusk"), ("sarsen", "Grain silo")],
)
def test_search_looks_in_alt_text_caption_and_credit(editor, term, found):
    make_image("Turbines at dusk", caption="Near Ereymentau", credit="Press office")
    make_image("Grain silo", caption="Kostanay", credit="Aida Sarsen")
    response = editor.get(LIST_URL, {"q": term})
    shown = [image.alt_text for image in response.context["cl"].result_list]
    assert shown == [found]


def test_the_change_page_names_the_articles_that_use_the_image(editor):
    image = make_image()
    article = make_article_showing(image, title="Wind farms court lenders")
    response = editor.get(reverse("admin:media_library_image_change", args=[image.pk]))
    assert response.status_code == 200
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    assert f'<a href="{change_url}">Wind farms court lenders</a>' in text(response)


# Roles


def test_a_contributor_may_browse_and_edit_but_not_delete(contributor):
    image = make_image()
    assert contributor.get(LIST_URL).status_code == 200
    change = contributor.get(reverse("admin:media_library_image_change", args=[image.pk]))
    assert change.status_code == 200
    assert "delete_selected" not in text(contributor.get(LIST_URL))
    assert contributor.get(delete_url(image)).status_code == 403
    assert contributor.post(delete_url(image), {"post": "yes"}).status_code == 403
    assert Image.objects.filter(pk=image.pk).exists()


def test_a_contributor_cannot_delete_through_the_list_action(contributor):
    image = make_image()
    response = contributor.post(
        LIST_URL, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [image.pk], "post": "yes"}
    )
    assert Image.objects.filter(pk=image.pk).exists()
    assert response.status_code == 200  # the list again: they have no action to run


# Deleting


def test_deleting_an_unused_image_deletes_its_files_after_the_commit(
    editor, django_capture_on_commit_callbacks
):
    image = make_image()
    files = files_of(image)
    assert len(files) == 3 and all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(delete_url(image), {"post": "yes"})
    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    assert not any(path.exists() for path in files)


def test_an_image_in_use_cannot_be_deleted_and_the_page_names_the_articles(editor):
    image = make_image("Turbines", caption="Ereymentau")
    first = make_article_showing(image, title="Wind farms court lenders")
    second = make_article_showing(image, title="Grid operators <worry>")
    response = editor.get(delete_url(image))
    assert response.status_code == 200
    page = text(response)
    assert "cannot be deleted because it is used in" in page
    for article in (first, second):
        url = reverse("admin:articles_article_change", args=[article.pk])
        assert f'href="{url}"' in page
    assert "Wind farms court lenders" in page
    assert "Grid operators &lt;worry&gt;" in page
    assert "Yes, I\u2019m sure" not in page  # no form to confirm
    # Grey, as Django draws its own "No, take me back" (in a submit row, with forms.css).
    assert (
        '<div class="submit-row"><a href="#" class="closelink cancel-link">No, take me back</a>'
        in page
    )
    assert "/static/admin/css/forms.css" in page

    response = editor.post(delete_url(image), {"post": "yes"})
    assert response.status_code == 200
    assert Image.objects.filter(pk=image.pk).exists()
    assert all(path.exists() for path in files_of(image))


def test_deleting_several_is_refused_while_any_is_in_use(editor):
    used = make_image("Turbines")
    unused = make_image("Grain silo")
    make_article_showing(used, title="Wind farms court lenders")
    data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: [used.pk, unused.pk]}
    response = editor.post(LIST_URL, data)
    assert response.status_code == 200
    page = text(response)
    assert "Nothing was deleted: some of the selected images are in use." in page
    assert '<a href="#" class="closelink cancel-link">No, take me back</a>' in page
    assert "Wind farms court lenders" in page and "Turbines" in page

    response = editor.post(LIST_URL, {**data, "post": "yes"})
    assert response.status_code == 200
    assert Image.objects.count() == 2


def test_once_unused_an_image_can_be_deleted(editor, django_capture_on_commit_callbacks):
    image = make_image()
    article = make_article_showing(image)
    assert ArticleImage.objects.filter(image=image).exists()
    article.body = "No picture any more."
    article.save_revision(user=editor.user)
    files = files_of(image)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            LIST_URL,
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: [image.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(path.exists() for path in files)


def test_files_stay_when_the_database_delete_fails(django_capture_on_commit_callbacks):
    image = make_image()
    files = files_of(image)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            image.delete()
            raise RuntimeError("the transaction fails after the row was deleted")
    assert callbacks == []
    assert Image.objects.count() == 1
    assert all(path.exists() for path in files)


def test_an_image_put_into_use_while_confirming_is_not_deleted_and_no_error_page(
    editor, monkeypatch
):
    image = make_image()
    make_article_showing(image, title="Wind farms court lenders")
    # As if the article was saved between the check and the deletion.
    monkeypatch.setattr(
        ImageAdmin,
        "get_deleted_objects",
        lambda self, objs, request: ([str(objs[0])], {}, set(), []),
    )
    response = editor.post(delete_url(image), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "was just put into use, so it was not deleted" in text(response)
    assert Image.objects.filter(pk=image.pk).exists()
    assert all(path.exists() for path in files_of(image))


@pytest.mark.parametrize("used, shown", [("yes", ["Turbines"]), ("no", ["Grain silo"])])
def test_the_list_filters_used_and_unused_images(editor, used, shown):
    make_article_showing(make_image("Turbines"))
    make_image("Grain silo")
    response = editor.get(LIST_URL, {"used": used})
    assert [image.alt_text for image in response.context["cl"].result_list] == shown
