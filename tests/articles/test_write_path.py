"""The editorial write path: every writer raises the version, records a revision, announces it."""

from contextlib import contextmanager
from io import StringIO

import pytest
import reversion
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from reversion.models import Version

from articles import tags
from articles.events import articles_changed
from articles.importing import import_text
from articles.models import Article, EditConflict, Tag
from tests.factories import (
    article_admin_data,
    make_area,
    make_article,
    make_country,
    make_editor,
)

pytestmark = pytest.mark.django_db


def versions_of(article: Article):
    return Version.objects.get_for_object(article).select_related("revision")


def version_of(article: Article) -> int:
    return Article.objects.values_list("version", flat=True).get(pk=article.pk)


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def announced(django_capture_on_commit_callbacks):
    """Run the block as a committed write; yield the `articles_changed` calls it sent."""

    @contextmanager
    def capture():
        calls: list[frozenset[int]] = []

        def receiver(sender, article_ids, **kwargs):
            calls.append(article_ids)

        articles_changed.connect(receiver)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield calls
        finally:
            articles_changed.disconnect(receiver)

    return capture


# The model's API.


def test_a_new_article_is_saved_as_version_1_with_its_first_revision():
    editor = make_editor("desk")
    kz = make_country("Kazakhstan")
    article = Article(title="Steppe rail")

    def set_related():
        article.countries.set([kz])
        article.tags.set(["rail"])

    article.save_revision(user=editor, comment="Written", set_related=set_related)

    assert version_of(article) == 1
    (version,) = versions_of(article)
    assert version.revision.user == editor
    assert version.revision.comment == "Written"
    held = {v.content_type.model for v in version.revision.version_set.all()}
    assert held == {"article", "articlecountry", "taggedarticle", "tag"}


def test_save_revision_raises_the_version_and_refuses_a_stale_one():
    article = make_article("Water")
    opened_at = article.version
    article.title = "Water quotas"
    article.save_revision(user=None, expected_version=opened_at)
    assert version_of(article) == opened_at + 1

    stale = Article.objects.get(pk=article.pk)
    stale.title = "Overwritten"
    with pytest.raises(EditConflict), transaction.atomic():
        stale.save_revision(user=None, expected_version=opened_at)
    assert Article.objects.get(pk=article.pk).title == "Water quotas"
    assert version_of(article) == opened_at + 1


def test_publish_and_unpublish_raise_the_version_and_are_recorded():
    editor = make_editor("desk")
    # With what the pre-publish checklist asks for.
    article = make_article(
        "Draft", published=False, countries=[make_country()], areas=[make_area()]
    )
    article.publish(user=editor)
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert version_of(article) == 2
    article.unpublish(user=editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    assert version_of(article) == 3
    assert [v.revision.comment for v in versions_of(article)] == [
        "Moved back to draft",
        "Published",
    ]


def test_revise_raises_every_version_and_keeps_the_state_before():
    first, second = make_article("One"), make_article("Two")
    count = Article.objects.filter(pk__in=[first.pk, second.pk]).revise(
        user=None, comment="Featured", before_comment="Before featuring", featured=True
    )
    assert count == 2
    for article in (first, second):
        assert version_of(article) == 2
        after, before = versions_of(article)
        assert (before.revision.comment, before.field_dict["featured"]) == (
            "Before featuring",
            False,
        )
        assert (after.revision.comment, after.field_dict["featured"]) == ("Featured", True)


def test_each_write_is_announced_once_after_it_commits(announced):
    article = make_article("Announced")
    other = make_article("Also announced")
    with announced() as calls:
        article.save_revision(user=None)
    assert calls == [frozenset({article.pk})]
    with announced() as calls:
        Article.objects.filter(pk__in=[article.pk, other.pk]).revise(user=None, comment="x")
    assert calls == [frozenset({article.pk, other.pk})]


def test_a_rolled_back_write_is_not_announced(announced):
    article = make_article("Rolled back")
    with announced() as calls:
        with pytest.raises(EditConflict), transaction.atomic():
            article.save_revision(user=None, expected_version=article.version + 5)
    assert calls == []


# Every writer goes through it.


def test_an_admin_save_raises_the_version_once_records_once_and_announces_once(editor, announced):
    article = make_article("Desk piece", tags=["energy"])
    with announced() as calls:
        response = editor.post(change_url(article), article_admin_data(article, title="Edited"))
    assert response.status_code == 302
    assert version_of(article) == article.version + 1
    (version,) = versions_of(article)
    assert version.revision.user == editor.user
    assert "Changed Title" in version.revision.comment
    assert calls == [frozenset({article.pk})]


def test_an_admin_save_from_a_stale_form_is_refused(editor):
    article = make_article("Contested")
    stale = article_admin_data(article, title="Late")
    article.save_revision(user=None, comment="Someone else")
    response = editor.post(change_url(article), stale)
    assert response.status_code == 200
    assert "while you were editing it" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Contested"


def test_list_actions_raise_versions_and_announce_once(editor, announced):
    places = {"countries": [make_country()], "areas": [make_area()]}  # for the checklist
    live, draft = make_article("Live"), make_article("Draft", published=False, **places)
    with announced() as calls:
        editor.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish_now", "_selected_action": [live.pk, draft.pk]},
        )
    assert version_of(draft) == 2
    assert version_of(live) == 1  # already live: skipped, untouched
    assert calls == [frozenset({draft.pk})]


def test_deleting_from_the_admin_keeps_a_revision_and_announces_once(editor, announced):
    doomed, kept = make_article("Doomed"), make_article("Kept")
    with announced() as calls:
        response = editor.post(
            reverse("admin:articles_article_changelist"),
            {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=doomed.pk).exists()
    assert Article.objects.filter(pk=kept.pk).exists()
    (version,) = versions_of(doomed)
    assert version.revision.comment == "Deleted"
    assert calls == [frozenset({doomed.pk})]


def test_a_rolled_back_delete_deletes_nothing_and_announces_nothing(announced):
    article = make_article("Survivor")
    with announced() as calls, pytest.raises(RuntimeError), transaction.atomic():
        Article.objects.filter(pk=article.pk).delete_with_history(user=None)
        raise RuntimeError("the surrounding work failed")
    assert Article.objects.filter(pk=article.pk).exists()
    assert calls == []


def test_a_restore_takes_a_number_above_every_earlier_one(editor):
    article = make_article("Numbers")
    for title in ("Numbers 2", "Numbers 3"):
        page = Article.objects.get(pk=article.pk)
        editor.post(change_url(page), article_admin_data(page, title=title))
    before = version_of(article)
    oldest = versions_of(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    form = editor.get(url).context["adminform"].form
    data = {
        **article_admin_data(Article.objects.get(pk=article.pk), title="Numbers 2"),
        "loaded_version": form["loaded_version"].value(),
    }
    assert editor.post(url, data).status_code == 302
    assert version_of(article) == before + 1
    latest = versions_of(article).first()
    assert latest.revision.comment.startswith("Reverted to previous")
    assert latest.field_dict["version"] == before + 1
    # One revision for the restore, not one from the admin and one from the model.
    assert versions_of(article).count() == 3


def test_a_tag_merge_and_a_tag_delete_raise_versions():
    article = make_article("Tagged", tags=["Kirghizia", "dams"])
    target = Tag.objects.create(name="Kyrgyzstan", slug="kyrgyzstan")
    tags.merge_tags(target, [Tag.objects.get(name="Kirghizia")])
    assert version_of(article) == 2
    assert set(Article.objects.get(pk=article.pk).tags.names()) == {"Kyrgyzstan", "dams"}

    tags.delete_tags(Tag.objects.filter(name="dams"))
    assert version_of(article) == 3
    assert set(Article.objects.get(pk=article.pk).tags.names()) == {"Kyrgyzstan"}
    assert versions_of(article).first().revision.comment == "A tag was deleted"


def test_an_unused_tag_is_deleted_without_touching_articles():
    article = make_article("Untouched")
    tags.delete_tags(Tag.objects.filter(pk=Tag.objects.create(name="spare", slug="spare").pk))
    assert not Tag.objects.filter(name="spare").exists()
    assert version_of(article) == 1


def test_an_import_starts_at_version_1_with_a_revision_and_an_update_raises_it():
    created = import_text("Caspian ferries\n\nA ferry line opens.\n\nTags: shipping\n").article
    assert version_of(created) == 1
    assert versions_of(created).get().revision.comment == "Imported from text"

    result = import_text("Caspian ferries\n\nTwo ferry lines open.\n", update=True)
    assert result.outcome == "updated"
    assert version_of(created) == 2
    assert versions_of(created).first().revision.comment == "Updated from imported text"


def test_an_import_update_from_a_stale_version_is_refused():
    created = import_text("Caspian ferries\n\nA ferry line opens.\n").article
    with pytest.raises(EditConflict):
        import_text("Caspian ferries\n\nChanged.\n", update=True, expected_version=7)
    assert Article.objects.get(pk=created.pk).body == "A ferry line opens.\n"


# Content made by commands starts with a revision.


def test_demo_articles_start_with_a_revision():
    call_command("load_demo", stdout=StringIO())
    articles = Article.objects.all()
    assert articles.exists()
    for article in articles:
        (version,) = versions_of(article)
        assert version.field_dict["title"] == article.title
        assert article.version == 1


def test_generated_articles_start_with_a_revision_as_reversion_would_record_it():
    call_command("generate_content", "--articles", 30, "--batch", 20, stdout=StringIO())
    articles = list(Article.objects.all())
    assert len(articles) == 30
    for article in articles:
        (version,) = versions_of(article)
        # What django-reversion itself records for the article as it stands.
        with reversion.create_revision():
            reversion.add_to_revision(article)
        recorded = versions_of(article).order_by("-pk").first()
        assert recorded.pk != version.pk
        assert version.serialized_data == recorded.serialized_data
        recorded.revision.delete()
        held = version.revision.version_set.all()
        links = [v for v in held if v.content_type.model == "taggedarticle"]
        assert len(links) == article.tags.count()
        # Each article has a revision of its own: restoring it touches no other article.
        assert {v.object_id for v in held if v.content_type.model == "article"} == {str(article.pk)}


def test_a_generated_article_can_be_restored_to_its_first_revision(editor):
    call_command("generate_content", "--articles", 3, stdout=StringIO())
    article = Article.objects.first()
    original_tags = set(article.tags.names())
    editor.post(change_url(article), article_admin_data(article, title="Rewritten", tags="x,"))
    first = versions_of(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    form = editor.get(url).context["adminform"].form
    data = {
        **article_admin_data(
            Article.objects.get(pk=article.pk), title=article.title, tags=", ".join(original_tags)
        ),
        "loaded_version": form["loaded_version"].value(),
    }
    assert editor.post(url, data).status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert restored.title == article.title
    assert set(restored.tags.names()) == original_tags


# Bad input.


def test_an_invalid_form_with_an_emptied_slug_is_shown_again_with_its_errors(editor):
    article = make_article("Published piece")
    data = article_admin_data(article, slug="", title="")
    response = editor.post(change_url(article), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    # "View on site" still points at the page readers see.
    assert article.get_absolute_url() in response.content.decode()
    assert Article.objects.get(pk=article.pk).title == "Published piece"
