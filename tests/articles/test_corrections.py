"""Corrections and update notes on published articles: the write path, the admin, the page,
JSON-LD and the feeds (Article.add_correction, articles/corrections_admin.py)."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from articles.events import articles_changed
from articles.models import Article, Correction, EditConflict
from summit.page_cache import CACHE_STATUS_HEADER
from tests.factories import make_article, make_editor, make_scheduled

pytestmark = pytest.mark.django_db

# "Now" in these tests: 2 December 2026, 00:30 UTC (the site's zone in the test settings).
NOW = datetime(2026, 12, 2, 0, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def story(clock):
    return make_article(
        "Rail link agreed",
        dek="Two governments sign",
        body="The summit was on **Tuesday**.",
        publish_at=NOW - timedelta(days=3),
    )


def add_url(article: Article) -> str:
    return reverse("admin:articles_article_add_correction", args=[article.pk])


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def page_text(response) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+([:.,])", r"\1", re.sub(r"\s+", " ", text))


# The write path


def test_a_correction_is_stored_with_its_author_and_date(story):
    editor = make_editor()
    correction = story.add_correction(
        user=editor, kind=Correction.Kind.CORRECTION, note="  The summit was on Wednesday.  "
    )
    saved = Correction.objects.get()
    assert saved == correction
    assert (saved.article, saved.kind, saved.note) == (
        story,
        "correction",
        "The summit was on Wednesday.",
    )
    assert saved.author == editor
    assert saved.created_at == NOW


def test_a_correction_raises_the_version_and_the_modification_time(story):
    before = Article.objects.get(pk=story.pk)
    story.add_correction(user=make_editor(), kind="update", note="Parliament ratified it.")
    after = Article.objects.get(pk=story.pk)
    assert after.version == before.version + 1
    assert story.version == after.version  # the instance follows
    assert after.updated_at == NOW
    assert after.last_modified == NOW
    # Nothing else changed.
    assert (after.title, after.body, after.status) == (before.title, before.body, before.status)


def test_a_correction_is_recorded_in_the_history(story):
    editor = make_editor()
    story.add_correction(user=editor, kind="correction", note="The summit was on Wednesday.")
    latest = Version.objects.get_for_object(story).select_related("revision__user").first()
    assert latest.revision.comment == "Correction added: The summit was on Wednesday."
    assert latest.revision.user == editor
    assert latest.field_dict["version"] == Article.objects.get(pk=story.pk).version
    story.add_correction(user=editor, kind="update", note="Ratified.")
    assert (
        Version.objects.get_for_object(story).first().revision.comment == "Update added: Ratified."
    )


def test_a_form_opened_before_the_correction_is_stale(story):
    opened_at = story.version
    story.add_correction(user=make_editor(), kind="update", note="Ratified.")
    stale = Article.objects.get(pk=story.pk)
    stale.title = "Rail link signed"
    with pytest.raises(EditConflict):
        stale.save_revision(user=make_editor("other"), expected_version=opened_at)


@pytest.mark.parametrize("note", ["", "   \n "])
def test_an_empty_note_is_refused(story, note):
    with pytest.raises(ValidationError) as refused:
        story.add_correction(user=make_editor(), kind="correction", note=note)
    assert "note" in refused.value.message_dict
    assert not Correction.objects.exists()
    assert Article.objects.get(pk=story.pk).version == story.version


def test_an_unknown_kind_is_refused(story):
    with pytest.raises(ValidationError):
        story.add_correction(user=make_editor(), kind="retraction", note="Gone.")
    assert not Correction.objects.exists()


@pytest.mark.parametrize("make", ["draft", "scheduled", "review"])
def test_only_a_live_article_takes_corrections(clock, make):
    if make == "scheduled":
        article = make_scheduled()
    else:
        article = make_article(published=False, status=make)
    with pytest.raises(ValidationError, match="Only a published article"):
        article.add_correction(user=make_editor(), kind="correction", note="Fixed.")
    assert not Correction.objects.exists()
    assert Article.objects.get(pk=article.pk).version == article.version
    assert not Version.objects.get_for_object(article).exists()


def test_a_note_cannot_be_dated_in_the_future_or_before_publication(story):
    editor = make_editor()
    with pytest.raises(ValidationError, match="future"):
        story.add_correction(user=editor, kind="update", note="x", at=NOW + timedelta(hours=1))
    with pytest.raises(ValidationError, match="before publication"):
        story.add_correction(user=editor, kind="update", note="x", at=NOW - timedelta(days=4))
    earlier = NOW - timedelta(days=1)
    correction = story.add_correction(user=editor, kind="update", note="x", at=earlier)
    assert correction.created_at == earlier


def test_a_correction_announces_the_change(story, django_capture_on_commit_callbacks):
    heard = []

    def listener(sender, article_ids, **kwargs):
        heard.append(set(article_ids))

    articles_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            story.add_correction(user=make_editor(), kind="update", note="Ratified.")
    finally:
        articles_changed.disconnect(listener)
    assert heard == [{story.pk}]


# The admin


def test_an_editor_sees_the_notes_and_the_link_on_a_live_article(editor, story):
    story.add_correction(user=editor.user, kind="update", note="Parliament ratified it.")
    response = editor.get(change_url(story))
    text = page_text(response)
    assert "Corrections and updates" in text
    assert "Updated 2 Dec 2026: Parliament ratified it." in text
    assert add_url(story) in response.content.decode()


def test_a_draft_has_no_corrections_panel(editor, clock):
    draft = make_article(published=False)
    response = editor.get(change_url(draft))
    assert response.status_code == 200
    assert add_url(draft) not in response.content.decode()
    assert "Corrections and updates" not in page_text(response)


def test_an_editor_adds_a_correction_through_the_admin(editor, story):
    form = editor.get(add_url(story))
    assert form.status_code == 200
    assert "Add correction or update" in page_text(form)
    response = editor.post(
        add_url(story), {"kind": "correction", "note": "Wednesday, not Tuesday."}
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    correction = Correction.objects.get()
    assert (correction.kind, correction.note, correction.author) == (
        "correction",
        "Wednesday, not Tuesday.",
        editor.user,
    )
    page = editor.get(response["Location"])
    assert "Correction 2 Dec 2026 added to “Rail link agreed”" in page_text(page)


def test_the_admin_form_refuses_an_empty_note(editor, story):
    response = editor.post(add_url(story), {"kind": "update", "note": "  "})
    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    assert not Correction.objects.exists()


def test_the_admin_form_refuses_an_unknown_kind(editor, story):
    response = editor.post(add_url(story), {"kind": "retraction", "note": "Gone."})
    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)
    assert not Correction.objects.exists()


def test_a_draft_sends_the_editor_back_with_a_reason(editor, clock):
    draft = make_article(published=False)
    response = editor.post(add_url(draft), {"kind": "update", "note": "x"}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(draft)
    assert "Only a published article takes corrections" in page_text(response)
    assert not Correction.objects.exists()


def test_a_missing_article_is_404(editor, clock):
    assert (
        editor.get(reverse("admin:articles_article_add_correction", args=[999])).status_code == 404
    )


def test_a_contributor_cannot_add_a_correction(contributor, story):
    assert contributor.get(add_url(story)).status_code == 403
    forged = contributor.post(add_url(story), {"kind": "correction", "note": "Forged."})
    assert forged.status_code == 403
    assert not Correction.objects.exists()
    assert add_url(story) not in contributor.get(change_url(story)).content.decode()


def test_the_page_leads_back_to_the_article_and_cancels_as_the_review_pages_do(editor, story):
    page = editor.get(add_url(story)).content.decode()

    trail = re.search(r'<div class="breadcrumbs">(.*?)</div>', page, re.S)[1]
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", trail)).split())
    assert shown.split(" \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} ") == [
        "Home",
        "Articles",
        "Articles",
        "Rail link agreed",
        "Add correction or update",
    ]
    assert f'<a href="{change_url(story)}">Rail link agreed</a>' in trail
    # The admin's grey close link, as on the approve and return pages (forms.css).
    submit_row = re.search(r'<div class="submit-row">(.*?)</div>', page, re.S)[1]
    assert f'<a href="{change_url(story)}" class="closelink cancel-link">Cancel</a>' in submit_row
    assert "/static/admin/css/forms.css" in page


def test_an_anonymous_visitor_is_sent_to_sign_in(client, story):
    response = client.post(add_url(story), {"kind": "correction", "note": "Forged."})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not Correction.objects.exists()


# Readers


def test_the_page_shows_the_latest_note_at_the_top_and_all_notes_at_the_end(client, story, clock):
    editor = make_editor()
    story.add_correction(user=editor, kind="correction", note="The summit was on Wednesday.")
    clock.shift(timedelta(days=1))
    story.add_correction(user=editor, kind="update", note="Parliament ratified the deal.")
    response = client.get(story.get_absolute_url())
    text = page_text(response)
    top = text.partition("The summit was on")[0]
    assert "Updated 3 Dec 2026: Parliament ratified the deal." in top
    assert "Correction 2 Dec 2026" not in top
    end = text[text.index("Corrections and updates") :]
    assert "Correction 2 Dec 2026: The summit was on Wednesday." in end
    assert "Updated 3 Dec 2026: Parliament ratified the deal." in end
    assert end.index("Correction 2 Dec 2026") < end.index("Updated 3 Dec 2026")
    assert '<time datetime="2026-12-03T' in response.content.decode()


def test_a_page_without_notes_says_nothing_of_them(client, story):
    text = page_text(client.get(story.get_absolute_url()))
    assert "Corrections and updates" not in text
    assert "Updated" not in text


def test_notes_are_dated_in_the_page_language(client, clock):
    article = make_article("Железная дорога", language="ru", publish_at=NOW - timedelta(days=1))
    article.add_correction(user=make_editor(), kind="update", note="Ратифицировано.")
    text = page_text(client.get(article.get_absolute_url()))
    with translation.override("ru"):
        expected = Correction.objects.get().heading
    assert "02.12.2026" in expected
    assert f"{expected}: Ратифицировано." in text


def test_notes_are_escaped(client, story):
    story.add_correction(user=make_editor(), kind="update", note="<script>alert(1)</script>")
    content = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_the_page_costs_no_query_per_note(client, story, django_assert_max_num_queries):
    editor = make_editor()
    story.add_correction(user=editor, kind="update", note="One.")
    with django_assert_max_num_queries(100) as one:
        client.get(story.get_absolute_url())
    for number in range(5):
        story.add_correction(user=editor, kind="update", note=f"More {number}.")
    cache.clear()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(story.get_absolute_url())
    assert "More 4." in response.content.decode()


def json_ld_article(response) -> dict:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return next(data for data in map(json.loads, blocks) if data["@type"] == "NewsArticle")


def test_json_ld_date_modified_follows_the_latest_correction(client, story, clock):
    assert json_ld_article(client.get(story.get_absolute_url()))["dateModified"] != NOW.isoformat()
    clock.shift(timedelta(hours=5))
    corrected = story.add_correction(user=make_editor(), kind="correction", note="Wednesday.")
    data = json_ld_article(client.get(story.get_absolute_url()))
    assert datetime.fromisoformat(data["dateModified"]) == corrected.created_at
    assert datetime.fromisoformat(data["datePublished"]) == story.publish_at


def test_rss_carries_the_notes_in_the_description(client, story):
    story.add_correction(user=make_editor(), kind="update", note="Parliament ratified it.")
    feed = feedparser.parse(client.get(reverse("articles:feed")).content)
    assert not feed.bozo
    entry = feed.entries[0]
    summary = html.unescape(entry.summary)
    assert summary.startswith("Two governments sign")
    assert "Updated 2 Dec 2026:</strong> Parliament ratified it." in summary
    content = entry.content[0].value
    assert "Corrections and updates" in content
    assert "Parliament ratified it." in content


def test_atom_updated_is_the_latest_correction_time(client, story, clock):
    clock.shift(timedelta(hours=2))
    correction = story.add_correction(user=make_editor(), kind="correction", note="Wednesday.")
    feed = feedparser.parse(client.get(reverse("articles:feed_atom")).content)
    assert not feed.bozo
    entry = feed.entries[0]
    updated = datetime(*entry.updated_parsed[:6], tzinfo=UTC)
    assert updated == correction.created_at
    assert "Correction 2 Dec 2026:</strong> Wednesday." in html.unescape(entry.summary)


def test_a_correction_shows_at_once_on_cached_pages_and_feeds(
    client, story, django_capture_on_commit_callbacks
):
    urls = [story.get_absolute_url(), reverse("articles:feed"), reverse("articles:feed_atom")]
    for url in urls:
        client.get(url)
        assert client.get(url)[CACHE_STATUS_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        story.add_correction(user=make_editor(), kind="update", note="Parliament ratified it.")
    for url in urls:
        response = client.get(url)
        assert response[CACHE_STATUS_HEADER] == "miss", url
        assert "Parliament ratified it." in response.content.decode(), url


def test_restoring_an_older_version_keeps_the_notes(story):
    editor = make_editor()
    story.save_revision(user=editor, comment="First")
    first = Version.objects.get_for_object(story).first()
    story.add_correction(user=editor, kind="correction", note="Wednesday.")
    first.revision.revert()
    restored = Article.objects.get(pk=story.pk)
    assert [note.note for note in restored.corrections.all()] == ["Wednesday."]
