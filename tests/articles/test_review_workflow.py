"""The review workflow: Draft → In review → Published or scheduled, and back with a note.

Each step through the model's write path and through the admin, with who may take it:
Contributors submit their own drafts, Editors approve (publish or schedule) and return;
forged requests are refused and change nothing.
"""

import html
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ReviewNote, ReviewStepRefused
from tests.articles.conftest import signed_in
from tests.factories import (
    article_admin_data,
    make_area,
    make_article,
    make_contributor,
    make_country,
    make_editor,
)

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def approve_url(article: Article) -> str:
    return reverse("admin:articles_article_review_approve", args=[article.pk])


def return_url(article: Article) -> str:
    return reverse("admin:articles_article_review_return", args=[article.pk])


def latest_comment(article: Article) -> str:
    version = Version.objects.get_for_object(article).order_by("-pk").first()
    return version.revision.comment


def publishable_draft(author, **fields) -> Article:
    """A draft with everything the pre-publish checklist asks for."""
    return make_article(
        fields.pop("title", "Water talks in Tashkent"),
        published=False,
        author=author,
        countries=[make_country("Uzbekistan")],
        areas=[make_area("Water")],
        **fields,
    )


def in_review(author, **fields) -> Article:
    article = publishable_draft(author, **fields)
    article.submit_for_review(user=author, note="Ready when you are")
    return article


def other_client(user) -> Client:
    return signed_in(Client(), user)


# Submitting.


def test_contributor_sees_the_submit_button_and_note_on_their_draft(contributor):
    article = publishable_draft(contributor.user)
    page = contributor.get(change_url(article)).content.decode()
    assert 'name="_submit_for_review"' in page
    assert 'value="Submit for review"' in page
    assert 'name="review_note"' in page


def test_contributor_submits_their_draft_with_a_note(contributor):
    article = publishable_draft(contributor.user)
    data = article_admin_data(
        article, body="Now with quotes.", review_note="Ready, please check the figures."
    )
    data["_submit_for_review"] = "Submit for review"
    response = contributor.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert article.body == "Now with quotes."  # saved, then submitted, in one write
    note = ReviewNote.objects.get(article=article)
    assert (note.kind, note.note, note.user) == (
        ReviewNote.Kind.SUBMITTED,
        "Ready, please check the figures.",
        contributor.user,
    )
    assert latest_comment(article).startswith(
        "Submitted for review: Ready, please check the figures."
    )
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("submitted for review" in m for m in messages)


def test_contributor_submits_a_new_article_from_the_add_form(contributor):
    data = article_admin_data(title="Fresh piece", review_note="First draft")
    data["_submit_for_review"] = "Submit for review"
    response = contributor.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(title="Fresh piece")
    assert article.status == Article.Status.REVIEW
    assert article.author == contributor.user
    assert article.review_notes.get().kind == ReviewNote.Kind.SUBMITTED


def test_an_article_in_review_is_no_longer_the_contributors_to_change(contributor):
    article = in_review(contributor.user)
    assert 'name="_submit_for_review"' not in contributor.get(change_url(article)).content.decode()
    response = contributor.post(change_url(article), article_admin_data(article, title="Sneaky"))
    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.title, article.status) == ("Water talks in Tashkent", Article.Status.REVIEW)


def test_forged_submit_of_someone_elses_draft_is_refused(contributor):
    article = publishable_draft(make_contributor("other"))
    data = article_admin_data(article)
    data["_submit_for_review"] = "Submit for review"
    assert contributor.post(change_url(article), data).status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not ReviewNote.objects.exists()


def test_forged_submit_of_a_published_article_by_an_editor_is_refused(editor):
    article = make_article(countries=[make_country()], areas=[make_area()])
    data = article_admin_data(article)
    data["_submit_for_review"] = "Submit for review"
    assert editor.post(change_url(article), data).status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_only_a_draft_can_be_submitted():
    writer = make_contributor()
    article = in_review(writer)
    with pytest.raises(ReviewStepRefused, match="Only a draft can be submitted"):
        article.submit_for_review(user=writer)
    assert article.review_notes.count() == 1


# Approving: publish now or schedule.


def test_contributor_cannot_approve_or_return(contributor):
    article = in_review(contributor.user)
    for url in (approve_url(article), return_url(article)):
        assert contributor.get(url).status_code == 403
    forged_approve = contributor.post(approve_url(article), {"when": "now"})
    forged_return = contributor.post(return_url(article), {"note": "I return it myself"})
    assert (forged_approve.status_code, forged_return.status_code) == (403, 403)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert list(article.review_notes.values_list("kind", flat=True)) == [ReviewNote.Kind.SUBMITTED]


def test_contributor_cannot_publish_by_posting_a_status(contributor):
    article = publishable_draft(contributor.user)
    data = article_admin_data(article, status=Article.Status.PUBLISHED)
    contributor.post(change_url(article), data)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT  # the field is not theirs: ignored


def test_editor_sees_the_review_panel_with_checklist_and_steps(editor):
    writer = make_contributor()
    article = in_review(writer)
    page = editor.get(change_url(article)).content.decode()
    assert "Pre-publish checklist" in page
    assert "✓" in page
    assert "Ready when you are" in page
    assert approve_url(article) in page
    assert return_url(article) in page


def test_editor_approves_and_publishes_now(editor):
    writer = make_contributor()
    article = in_review(writer)
    page = editor.get(approve_url(article)).content.decode()
    assert "Pre-publish checklist" in page
    response = editor.post(approve_url(article), {"when": "now", "note": "Lovely piece"})
    assert response.status_code == 302
    assert response.url == change_url(article)
    article.refresh_from_db()
    assert article.is_public
    kinds = list(article.review_notes.values_list("kind", "note"))
    assert kinds[-1] == (ReviewNote.Kind.PUBLISHED, "Lovely piece")
    assert latest_comment(article) == "Published: Lovely piece"


def test_editor_schedules_an_article(editor):
    article = in_review(make_contributor())
    when = timezone.localtime() + timedelta(days=2)
    response = editor.post(
        approve_url(article),
        {
            "when": "schedule",
            "publish_at_0": when.date().isoformat(),
            "publish_at_1": when.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled
    assert article.review_notes.last().kind == ReviewNote.Kind.SCHEDULED
    assert latest_comment(article).startswith("Scheduled for ")


def test_scheduling_needs_a_future_time(editor):
    article = in_review(make_contributor())
    response = editor.post(approve_url(article), {"when": "schedule"})
    assert response.status_code == 200
    assert "Choose when the article goes live." in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_approving_a_live_article_says_so(editor):
    article = make_article()
    response = editor.post(approve_url(article), {"when": "now"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).version == article.version


# Returning to draft.


def test_editor_returns_an_article_with_a_note_the_contributor_sees(editor):
    writer = make_contributor("wanda")
    article = in_review(writer)
    response = editor.post(return_url(article), {"note": "Please source the dam figures."})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    returned = article.review_notes.last()
    assert (returned.kind, returned.note, returned.user) == (
        ReviewNote.Kind.RETURNED,
        "Please source the dam figures.",
        editor.user,
    )
    assert latest_comment(article) == "Returned to draft: Please source the dam figures."
    # The contributor reads it on their draft, and may change and submit it again.
    page = other_client(writer).get(change_url(article)).content.decode()
    assert "Please source the dam figures." in page
    assert "returned it to draft" in page
    assert 'name="_submit_for_review"' in page


def test_returning_needs_a_note(editor):
    article = in_review(make_contributor())
    response = editor.post(return_url(article), {"note": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    with pytest.raises(ReviewStepRefused, match="Write a note"):
        article.return_to_draft(user=editor.user, note="")


def test_a_draft_cannot_be_returned():
    writer = make_contributor()
    article = publishable_draft(writer)
    with pytest.raises(ReviewStepRefused, match="already a draft"):
        article.return_to_draft(user=make_editor(), note="Why?")
    assert not article.review_notes.exists()


def test_a_scheduled_article_can_be_returned_and_leaves_the_schedule():
    writer = make_contributor()
    article = publishable_draft(writer)
    article.publish(user=make_editor(), at=timezone.now() + timedelta(days=1))
    article.return_to_draft(user=make_editor("second"), note="Hold it: facts changed.")
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.scheduled().exists()


# The same steps by saving the Editor's form.


def test_editor_form_lists_in_review_as_a_status(editor):
    page = editor.get(change_url(in_review(make_contributor()))).content.decode()
    assert '<option value="review" selected>In review</option>' in page
    filters = editor.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "?status__exact=review" in filters


def test_editor_returns_through_the_form_only_with_a_note(editor):
    article = in_review(make_contributor())
    data = article_admin_data(article, status=Article.Status.DRAFT)
    response = editor.post(change_url(article), data)
    assert response.status_code == 200
    assert "write what the author should change" in response.content.decode()
    data["review_note"] = "Shorter, please."
    assert editor.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.review_notes.last().note == "Shorter, please."


def test_editor_publishes_through_the_form(editor):
    article = in_review(make_contributor())
    data = article_admin_data(article, status=Article.Status.PUBLISHED)
    assert editor.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_public
    assert article.review_notes.last().kind == ReviewNote.Kind.PUBLISHED
    assert latest_comment(article).startswith("Published")


def test_change_page_with_the_review_panel_stays_within_its_query_budget(
    editor, django_assert_max_num_queries
):
    article = in_review(make_contributor())
    for n in range(8):
        article.review_notes.create(kind=ReviewNote.Kind.SUBMITTED, note=f"note {n}")
    with django_assert_max_num_queries(60):
        assert editor.get(change_url(article)).status_code == 200


def test_review_pages_of_a_missing_article_answer_404(editor):
    for name in ("review_approve", "review_return"):
        url = reverse(f"admin:articles_article_{name}", args=[987654])
        assert editor.get(url).status_code == 404
        assert editor.post(url, {"when": "now", "note": "x"}).status_code == 404


def breadcrumb_trail(page: str) -> str:
    """The breadcrumbs' HTML."""
    return re.search(r'<div class="breadcrumbs">(.*?)</div>', page, re.S)[1]


def crumbs(trail: str) -> list[str]:
    """The breadcrumbs as a reader sees them, one entry a step."""
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", trail)).split())
    return [
        crumb.strip() for crumb in shown.split("\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}")
    ]


@pytest.mark.parametrize(
    ("page_url", "step"), [(approve_url, "Approve"), (return_url, "Return to draft")]
)
def test_review_pages_lead_back_to_the_article_and_cancel_as_the_admin_does(editor, page_url, step):
    article = in_review(make_contributor(), title="Water talks in Tashkent")
    page = editor.get(page_url(article)).content.decode()

    trail = breadcrumb_trail(page)
    assert crumbs(trail) == ["Home", "Articles", "Articles", "Water talks in Tashkent", step]
    assert f'<a href="{change_url(article)}">Water talks in Tashkent</a>' in trail
    # Grey, as "No, take me back" on Django's delete confirmation: the admin's own close-link
    # style for a submit row (forms.css), the same on every page of the editor's desk.
    submit_row = re.search(r'<div class="submit-row">(.*?)</div>', page, re.S)[1]
    assert f'<a href="{change_url(article)}" class="closelink cancel-link">Cancel</a>' in submit_row
    assert "/static/admin/css/forms.css" in page


def test_approve_page_stays_within_its_query_budget(editor, django_assert_max_num_queries):
    article = in_review(make_contributor(), body="[a](/articles/elsewhere/) ![b](image:4)")
    with django_assert_max_num_queries(25):
        assert editor.get(approve_url(article)).status_code == 200
