"""Uploaded images go once no article uses them; History does not keep them.

A file is kept while an article's lead image or body names it. An image let go of is deleted
with its renditions after the write commits, and `remove_orphan_media` finds the rest.
Restoring a revision, or recovering a deleted article, whose image was deleted since brings
the article back without one, and says so.
"""

import os
import time
import uuid
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from PIL import Image
from reversion.models import Version

from articles.models import Article
from summit import images
from tests.factories import article_admin_data, make_article

pytestmark = pytest.mark.django_db

CENTRE = (50, 50)  # the focal point of an image saved without one


def jpeg(size: tuple[int, int] = (1200, 800), colour: str = "teal") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def on_disk() -> set[str]:
    """Every stored file, as its storage name."""
    root = Path(django_settings.MEDIA_ROOT)
    if not root.exists():
        return set()
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def with_renditions(name: str, focal_point: tuple[int, int] | None = None) -> set[str]:
    """A 1200-pixel-wide image's original, the renditions that shrink it and, as the admin
    saves one, its crops around `focal_point`."""
    crops = (
        {
            *(images.card_crop_name(name, *focal_point, width) for width in (480, 960)),
            images.og_image_name(name, *focal_point),
        }
        if focal_point
        else set()
    )
    return {name, images.rendition_name(name, 480), images.rendition_name(name, 960), *crops}


def upload(client, article: Article | None, colour: str, **fields):
    """Add (article None) or change an article through the admin with a new lead image."""
    photo = SimpleUploadedFile("photo.jpg", jpeg(colour=colour), "image/jpeg")
    data = article_admin_data(article, lead_image=photo, **fields)
    if article is None:
        url = reverse("admin:articles_article_add")
        data.update(title="Pictured", lead_image_alt="A river valley", status="published")
        # No standfirst, country or area, which the pre-publish checklist asks for: beside
        # the point here.
        data.setdefault("override_reason", "testing image clean-up")
    else:
        url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(title="Pictured") if article is None else reload(article)


def reload(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


def scripted_article_with_image(title: str, **fields) -> Article:
    """An article with an image and renditions but no history of it, as a script (or Summit
    before history existed) made them."""
    article = make_article(title, lead_image_alt="A photo", **fields)
    article.lead_image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(jpeg()))
    images.make_renditions(article.lead_image)
    assert not Version.objects.get_for_object(article).exists()
    return article


def remove_orphan_media(*options: str) -> str:
    out = StringIO()
    call_command("remove_orphan_media", *options, stdout=out)
    return out.getvalue()


def store(name: str, content: bytes = b"x" * 100) -> str:
    return default_storage.save(name, ContentFile(content))


# Saving and deleting articles.

REMOVED = "was deleted once no article used it"


def test_three_uploads_leave_one_image_with_its_renditions(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = upload(editor, None, "red")
        first = article.lead_image.name
        article = upload(editor, article, "green")
        article = upload(editor, article, "blue")
        article = upload(editor, article, "white")

    assert article.lead_image.name != first
    assert Version.objects.get_for_object(article).count() == 4  # History keeps no file
    assert on_disk() == with_renditions(article.lead_image.name, CENTRE)
    page = Client().get(article.get_absolute_url()).content.decode()
    assert f"{Path(article.lead_image.name).stem}-480w.webp 480w" in page


def test_clearing_an_image_deletes_it_with_its_renditions(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = upload(editor, None, "red")
    data = article_admin_data(article, **{"lead_image-clear": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert not reload(article).lead_image
    assert on_disk() == set()


def test_deleting_an_article_deletes_its_image_with_its_renditions(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = upload(editor, None, "red")
    assert on_disk() == with_renditions(article.lead_image.name, CENTRE)
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(delete_url, {"post": "yes"}).status_code == 302
    assert on_disk() == set()


def test_replacing_an_image_a_script_stored_deletes_it_with_its_renditions(
    editor, django_capture_on_commit_callbacks
):
    article = scripted_article_with_image("Scripted")
    old = article.lead_image.name
    with django_capture_on_commit_callbacks(execute=True):
        article = upload(editor, article, "green")
    assert article.lead_image.name != old
    assert on_disk() == with_renditions(article.lead_image.name, CENTRE)


def test_a_save_that_rolls_back_deletes_nothing(editor, django_capture_on_commit_callbacks):
    article = scripted_article_with_image("Scripted")
    name = article.lead_image.name
    before = on_disk()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            article.lead_image = ""
            article.save_revision(user=editor.user, comment="Cleared the image")
            raise RuntimeError("the request failed after the save")
    assert callbacks == []
    assert on_disk() == before
    assert reload(article).lead_image.name == name


def test_an_image_two_articles_share_stays_until_both_let_go(
    editor, django_capture_on_commit_callbacks
):
    first = scripted_article_with_image("First")
    name = first.lead_image.name
    second = make_article("Second", lead_image=name, lead_image_alt="The same photo")

    with django_capture_on_commit_callbacks(execute=True):
        first.lead_image = ""
        first.save_revision(user=editor.user)
    assert with_renditions(name) <= on_disk()

    with django_capture_on_commit_callbacks(execute=True):
        second.lead_image = ""
        second.save_revision(user=editor.user)
    assert on_disk() == set()


def test_an_image_another_article_embeds_in_its_text_stays(
    editor, django_capture_on_commit_callbacks
):
    article = scripted_article_with_image("Scripted")
    name = article.lead_image.name
    make_article("Embeds it", body=f"See ![the photo]({django_settings.MEDIA_URL}{name}).")
    with django_capture_on_commit_callbacks(execute=True):
        article.lead_image = ""
        article.save_revision(user=editor.user)
    assert name in on_disk()


# Restoring and recovering when the image is gone.


def restore_form_data(form, article: Article) -> dict:
    """What the browser posts from the restore or recover form: its own values."""
    fields = (
        "title",
        "slug",
        "lead_image_alt",
        "lead_image_credit",
        "lead_image_focal_x",
        "lead_image_focal_y",
    )
    return article_admin_data(
        article,
        loaded_version=form["loaded_version"].value(),
        **{field: form[field].value() for field in fields},
    )


def assert_saved_without_image(article: Article) -> None:
    article = reload(article)
    assert not article.lead_image
    assert (article.lead_image_width, article.lead_image_height) == (None, None)
    assert (article.lead_image_alt, article.lead_image_credit) == ("", "")
    assert (article.lead_image_focal_x, article.lead_image_focal_y) == (50, 50)
    page = Client().get(article.get_absolute_url())
    assert page.status_code == 200
    assert 'class="lead-image' not in page.content.decode()


def test_restoring_a_revision_whose_image_was_deleted_saves_it_without_one_and_says_so(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = upload(editor, None, "red", lead_image_credit="Photo: Desk", lead_image_focal_y=0)
        article = upload(editor, article, "green")
    # The red one is gone; the green one has crops around the focal point kept from the red.
    assert on_disk() == with_renditions(article.lead_image.name, (50, 0))
    oldest = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])

    shown = editor.get(url)
    assert shown.status_code == 200
    assert REMOVED in shown.content.decode()
    form = shown.context["adminform"].form
    assert not form["lead_image"].value()
    assert (form["lead_image_alt"].value(), form["lead_image_credit"].value()) == ("", "")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, restore_form_data(form, reload(article)), follow=True)
    assert response.redirect_chain[0][1] == 302
    page = response.content.decode()
    assert REMOVED in page
    assert "Restored the version of" in page
    assert_saved_without_image(article)
    assert on_disk() == set()  # the green one, replaced by the restore, went too


def test_restoring_a_revision_whose_image_is_still_used_brings_it_back(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = upload(editor, None, "red")
        red = article.lead_image.name
        make_article("Shares it", lead_image=red, lead_image_alt="The same photo")
        article = upload(editor, article, "green")
    green = article.lead_image.name
    oldest = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    form = editor.get(url).context["adminform"].form

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, restore_form_data(form, reload(article)), follow=True)

    assert REMOVED not in response.content.decode()
    assert reload(article).lead_image.name == red
    assert reload(article).lead_image_alt == "A river valley"
    assert on_disk() == with_renditions(red, CENTRE)
    assert green not in on_disk()


def test_recovering_an_article_whose_image_was_deleted_saves_it_without_one_and_says_so(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = upload(editor, None, "red", lead_image_credit="Photo: Desk")
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(delete_url, {"post": "yes"}).status_code == 302
    assert on_disk() == set()
    deleted = Version.objects.get_deleted(Article).get(object_id=str(article.pk))
    url = reverse("admin:articles_article_recover", args=[deleted.pk])

    shown = editor.get(url)
    assert shown.status_code == 200
    assert REMOVED in shown.content.decode()
    form = shown.context["adminform"].form
    data = restore_form_data(form, None)
    data["status"] = "published"
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, data, follow=True)

    assert response.redirect_chain[0][1] == 302
    page = response.content.decode()
    assert REMOVED in page
    assert "Recovered “Pictured”" in page
    assert_saved_without_image(article)


def test_a_script_that_restores_a_revision_gets_no_missing_image_either(
    editor, django_capture_on_commit_callbacks
):
    # The write path checks too, for restores that do not come through the admin.
    with django_capture_on_commit_callbacks(execute=True):
        article = upload(editor, None, "red")
        article = upload(editor, article, "green")
    oldest = Version.objects.get_for_object(article).order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        oldest.revision.revert()
        restored = reload(article)
        restored.save_revision(user=editor.user, comment="Restored by a script")
    assert_saved_without_image(article)
    assert on_disk() == set()


# remove_orphan_media


@pytest.fixture
def media_in_all_states(editor):
    """Files under articles/: in use now, named only by history, and named by nothing.

    History keeps no file: an image only a stored revision names is an orphan.
    """
    current = scripted_article_with_image("Current").lead_image.name
    historic_article = scripted_article_with_image("Historic")
    historic = historic_article.lead_image.name
    historic_article.save_revision(user=editor.user, comment="Recorded with its image")
    Article.objects.filter(pk=historic_article.pk).update(lead_image="")  # history names it
    orphan = store(f"articles/2024/05/{uuid.uuid4().hex}.jpg", jpeg())
    orphan_renditions = {store(images.rendition_name(orphan, w), b"w" * 10) for w in (480, 960)}
    # Renditions whose original was deleted by hand.
    lost_stem = uuid.uuid4().hex
    stray = store(f"articles/2024/05/{lost_stem}-480w.webp", b"s" * 10)
    return {
        "kept": with_renditions(current),
        "orphans": with_renditions(historic) | {orphan, *orphan_renditions, stray},
    }


def test_dry_run_lists_orphans_with_counts_and_bytes_and_deletes_nothing(media_in_all_states):
    before = on_disk()
    output = remove_orphan_media("--dry-run", "--min-age=0")

    assert on_disk() == before
    for name in media_in_all_states["orphans"]:
        assert f"Would delete {name} " in output
    for name in media_in_all_states["kept"]:
        assert name not in output
    orphan_bytes = sum(default_storage.size(name) for name in media_in_all_states["orphans"])
    assert f"Would delete 7 files (2 originals, 5 renditions), {orphan_bytes} bytes" in output
    assert "kept 3 files in use" in output


def test_orphan_originals_and_renditions_are_removed_and_named_ones_kept(media_in_all_states):
    output = remove_orphan_media("--min-age=0")

    assert on_disk() == media_in_all_states["kept"]
    assert "Deleted 7 files (2 originals, 5 renditions)" in output


def test_files_younger_than_the_minimum_age_are_left_alone(media_in_all_states):
    # An upload is stored before the save naming it commits: it must not vanish in between.
    output = remove_orphan_media()
    assert on_disk() >= media_in_all_states["orphans"]
    assert "left 10 files younger than 60 minutes alone" in output

    an_hour_ago = time.time() - 61 * 60
    for name in on_disk():
        os.utime(default_storage.path(name), (an_hour_ago, an_hour_ago))
    remove_orphan_media()
    assert on_disk() == media_in_all_states["kept"]


def test_many_files_are_judged_by_the_same_rule(editor):
    # Past a handful of names the command reads every text once instead of asking per name.
    in_use = {scripted_article_with_image(f"Current {n}").lead_image.name for n in range(3)}
    embedded = store(f"articles/2024/05/{uuid.uuid4().hex}.jpg", jpeg())
    make_article("Embeds", body=f"![photo](/media/{embedded})")
    orphans = {store(f"articles/2024/06/{uuid.uuid4().hex}.jpg") for _ in range(25)}

    output = remove_orphan_media("--min-age=0")

    assert on_disk() == set().union(*map(with_renditions, in_use)) | {embedded}
    assert "Deleted 25 files (25 originals, 0 renditions)" in output
    assert not on_disk() & orphans
