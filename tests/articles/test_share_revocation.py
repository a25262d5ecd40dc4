"""Share links: an editor revokes them all at once, and a link dated in the future is refused."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import preview
from articles.models import Article
from tests.articles.conftest import signed_in
from tests.factories import article_admin_data, make_article, make_contributor, make_editor

pytestmark = pytest.mark.django_db


def share_link(client, article: Article) -> str:
    """The link the staff preview page offers to share."""
    page = client.get(reverse("articles:preview", args=[article.pk])).content.decode()
    match = re.search(r'id="preview-share-url"[^>]*value="([^"]+)"', page)
    assert match, "no share link on the preview page"
    return match.group(1).replace("&amp;", "&")


def opens(link: str) -> bool:
    """Whether a reviewer without an account gets the draft from `link`."""
    response = Client().get(link)
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200


def revoke_url(article: Article) -> str:
    return reverse("admin:articles_article_revoke_share_links", args=[article.pk])


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_revoking_in_the_admin_ends_every_earlier_link_and_new_links_work(editor):
    draft = make_article("Under embargo", published=False, body="Embargoed text.")
    first, second = share_link(editor, draft), share_link(editor, draft)
    assert opens(first) and opens(second)

    change_page = editor.get(change_url(draft)).content.decode()
    assert f'href="{revoke_url(draft)}">Revoke share links<' in change_page
    confirmation = editor.get(revoke_url(draft))
    assert "will stop working at once" in confirmation.content.decode()
    assert opens(first)  # asking changes nothing

    response = editor.post(revoke_url(draft), follow=True)
    assert response.redirect_chain[-1][0] == change_url(draft)
    assert "Share links of “Under embargo” revoked" in response.content.decode()
    assert not opens(first) and not opens(second)
    assert "Embargoed text." not in Client().get(first).content.decode()

    fresh = share_link(editor, draft)
    assert fresh != first
    assert opens(fresh)


def test_revoking_leaves_the_article_and_any_open_form_as_they_were(editor):
    draft = make_article("Draft", published=False)
    draft.save_revision(user=editor.user, comment="First save")
    before = Article.objects.get(pk=draft.pk)

    editor.post(revoke_url(draft))

    after = Article.objects.get(pk=draft.pk)
    assert (after.version, after.updated_at, after.title) == (
        before.version,
        before.updated_at,
        before.title,
    )
    latest = Version.objects.get_for_object(after).select_related("revision__user").first()
    assert latest.revision.comment == "Revoked the share links"
    assert latest.revision.user == editor.user
    history = editor.get(reverse("admin:articles_article_history", args=[draft.pk]))
    assert "Revoked the share links" in history.content.decode()
    # A form opened before the revocation still saves: nothing the editor sees changed.
    data = article_admin_data(before, title="Draft, edited")
    assert editor.post(change_url(draft), data).status_code == 302


def test_a_contributor_may_not_revoke_links_to_someone_elses_article(client):
    draft = make_article("Someone else's draft", published=False, author=make_editor("desk"))
    link = preview.share_token(draft)
    url = reverse("articles:shared_preview", args=[link])
    contributor = signed_in(client, make_contributor("writer"))

    assert "Revoke share links" not in contributor.get(change_url(draft)).content.decode()
    assert contributor.get(revoke_url(draft)).status_code == 403
    assert contributor.post(revoke_url(draft)).status_code == 403

    assert Article.objects.get(pk=draft.pk).share_link_generation == 0
    assert opens(url)


def test_a_contributor_may_revoke_links_to_their_own_draft(client):
    contributor = signed_in(client, make_contributor("writer"))
    draft = make_article("My draft", published=False, author=contributor.user)
    link = share_link(contributor, draft)

    assert contributor.post(revoke_url(draft)).status_code == 302
    assert not opens(link)


def test_revoked_links_stay_revoked_after_a_stale_save_and_after_a_restore(editor):
    draft = make_article("Draft", published=False)
    draft.save_revision(user=editor.user, comment="Before the links were revoked")
    stale = Article.objects.get(pk=draft.pk)
    link = share_link(editor, draft)
    editor.post(revoke_url(draft))

    stale.title = "Saved from an instance loaded before the revocation"
    stale.save_revision(user=editor.user)
    assert not opens(link)

    before_revoking = Version.objects.get_for_object(draft).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[draft.pk, before_revoking.pk])
    form = editor.get(url).context["adminform"].form
    # What the restore form shows: the revision's values.
    data = article_admin_data(
        Article.objects.get(pk=draft.pk),
        title=form["title"].value(),
        loaded_version=form["loaded_version"].value(),
    )
    assert editor.post(url, data).status_code == 302
    restored = Article.objects.get(pk=draft.pk)
    assert restored.title == "Draft"
    assert Version.objects.get_for_object(restored).first().revision.comment.startswith("Reverted")
    assert not opens(link)


def test_revoked_links_stay_revoked_when_history_was_pruned_before_a_stale_save(editor):
    draft = make_article("Draft", published=False)
    stale = Article.objects.get(pk=draft.pk)
    link = share_link(editor, draft)
    editor.post(revoke_url(draft))
    call_command("deleterevisions", "articles.Article", verbosity=0)
    assert not Version.objects.get_for_object(draft).exists()

    stale.save_revision(user=editor.user)
    assert not opens(link)


def test_a_link_dated_in_the_future_is_refused(time_machine):
    draft = make_article("Draft", published=False)
    now = timezone.now()
    time_machine.move_to(now + timedelta(minutes=10), tick=False)
    from_the_future = preview.share_token(draft)
    time_machine.move_to(now + timedelta(seconds=30), tick=False)
    within_clock_skew = preview.share_token(draft)
    time_machine.move_to(now, tick=False)

    assert not opens(reverse("articles:shared_preview", args=[from_the_future]))
    assert opens(reverse("articles:shared_preview", args=[within_clock_skew]))


def test_a_hand_signed_future_timestamp_is_refused(time_machine):
    draft = make_article("Draft", published=False)
    time_machine.move_to(timezone.now(), tick=False)
    future = int(timezone.now().timestamp()) + 3600
    signer = signing.TimestampSigner(salt=preview.SHARE_SALT)
    signer.timestamp = lambda: signing.b62_encode(future)
    token = signer.sign_object(draft.pk)

    assert signing.loads(token, salt=preview.SHARE_SALT) == draft.pk  # validly signed
    assert not opens(reverse("articles:shared_preview", args=[token]))


def test_an_expired_link_is_refused(time_machine):
    draft = make_article("Draft", published=False)
    time_machine.move_to(timezone.now(), tick=False)
    url = reverse("articles:shared_preview", args=[preview.share_token(draft)])
    assert opens(url)
    time_machine.shift(timedelta(days=7, minutes=1))
    assert not opens(url)


def test_a_link_made_before_revocation_existed_still_opens():
    # Links shared before this change sign the bare article id; they run out on their own.
    draft = make_article("Draft", published=False)
    token = signing.dumps(draft.pk, salt=preview.SHARE_SALT)
    assert opens(reverse("articles:shared_preview", args=[token]))
