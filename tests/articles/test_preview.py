"""Previews: staff see drafts as readers will; share links expire and resist tampering."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import preview
from tests.factories import (
    make_article,
    make_contributor,
    make_scheduled,
    make_user,
)

pytestmark = pytest.mark.django_db


def share_link_from(page: str) -> str:
    match = re.search(r'id="preview-share-url"[^>]*value="([^"]+)"', page)
    assert match, "no share link on the preview page"
    return match.group(1).replace("&amp;", "&")


def test_staff_preview_renders_the_public_article_template_with_a_banner(editor):
    draft = make_article("Secret draft", published=False, body="Unpublished **analysis**.")
    response = editor.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Preview — not published." in page
    assert "Status: Draft." in page
    assert "<strong>analysis</strong>" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in page


def test_preview_of_a_scheduled_article_says_when_it_goes_live(editor):
    scheduled = make_scheduled("Next week", days_ahead=7)
    page = editor.get(reverse("articles:preview", args=[scheduled.pk])).content.decode()
    assert "Status: Scheduled for" in page


def test_admin_change_page_links_to_the_preview(editor):
    draft = make_article("Draft", published=False)
    page = editor.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert f'href="{reverse("articles:preview", args=[draft.pk])}"' in page


def test_preview_is_for_staff_only(client):
    draft = make_article("Draft", published=False)
    url = reverse("articles:preview", args=[draft.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    client.force_login(make_user("reader"))
    assert client.get(url).status_code == 302  # not staff: sent to the admin sign-in
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_contributors_can_preview_too(client):
    client.force_login(make_contributor("writer"))
    draft = make_article("Draft", published=False)
    assert client.get(reverse("articles:preview", args=[draft.pk])).status_code == 200


def test_share_link_lets_a_signed_out_reviewer_read_the_draft(editor, client):
    draft = make_article("For review", published=False, body="Draft text for the reviewer.")
    link = share_link_from(
        editor.get(reverse("articles:preview", args=[draft.pk])).content.decode()
    )
    editor.logout()
    response = client.get(link)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Draft text for the reviewer." in page
    assert "shared with you for review" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"


def test_share_link_expires_after_seven_days(client, time_machine):
    draft = make_article("For review", published=False)
    time_machine.move_to(timezone.now(), tick=False)
    url = reverse("articles:shared_preview", args=[preview.share_token(draft)])
    time_machine.shift(timedelta(days=6, hours=23))
    assert client.get(url).status_code == 200
    time_machine.shift(timedelta(hours=2))
    expired = client.get(url)
    assert expired.status_code == 404
    assert "For review" not in expired.content.decode()


def test_tampered_share_links_get_a_404(client):
    draft = make_article("Private", published=False)
    other = make_article("Other draft", published=False)
    token = preview.share_token(draft)
    payload, timestamp, signature = token.split(":")
    forged_for_other = preview.share_token(other).split(":")[0] + f":{timestamp}:{signature}"
    for bad in [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        forged_for_other,
        "not-a-token",
        f"{payload}::{signature}",
    ]:
        response = client.get(reverse("articles:shared_preview", args=[bad]))
        assert response.status_code == 404, bad
        assert "Private" not in response.content.decode()


def test_share_link_to_a_deleted_article_is_a_404(client):
    draft = make_article("Gone", published=False)
    url = reverse("articles:shared_preview", args=[preview.share_token(draft)])
    draft.delete()
    assert client.get(url).status_code == 404


def test_preview_keeps_its_queries_bounded(editor, django_assert_max_num_queries):
    draft = make_article("Busy draft", published=False, tags=["a", "b", "c"])
    url = reverse("articles:preview", args=[draft.pk])
    # The first request after a write also reads what is kept per content generation (the
    # countries and areas, when content next changes); the budget is for every other one.
    editor.get(url)
    with django_assert_max_num_queries(12):
        assert editor.get(url).status_code == 200
