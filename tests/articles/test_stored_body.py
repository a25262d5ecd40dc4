"""The body's HTML is rendered when the article is saved and read back when it is shown."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import body as body_module
from articles.body import rendering_key
from articles.models import Article
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_rendering_on_read(monkeypatch):
    """Fail if anything renders Markdown while a page is being made."""

    def refuse(text: str) -> str:
        raise AssertionError("the body was rendered as the page was shown")

    monkeypatch.setattr(body_module, "sanitised_body", refuse)


def test_saving_stores_the_rendered_body_and_pages_read_it(client, monkeypatch):
    article = make_article("Stored", body="Some **bold** words.\n\n<script>x()</script>")
    stored = Article.objects.values_list("body_rendered", "body_rendered_for").get(pk=article.pk)
    assert stored == ("<p>Some <strong>bold</strong> words.</p>\n", rendering_key(article.body))
    monkeypatch.setattr(body_module, "sanitised_body", pytest.fail)
    response = client.get(reverse("articles:detail", kwargs={"slug": article.slug}))
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.text
    assert "x()" not in response.text


def test_a_body_changed_behind_save_is_never_shown_stale(client):
    article = make_article("Changed", body="The first text.")
    # update() skips save(): the stored HTML no longer matches the body it was made from.
    Article.objects.filter(pk=article.pk).update(body="The *second* text.")
    response = client.get(reverse("articles:detail", kwargs={"slug": article.slug}))
    assert "The <em>second</em> text." in response.text
    assert "first text" not in response.text


def test_a_new_pipeline_version_makes_every_stored_rendering_stale(monkeypatch):
    article = make_article("Versioned", body="Text.")
    monkeypatch.setattr(body_module, "PIPELINE_VERSION", body_module.PIPELINE_VERSION + 1)
    rendered = []
    render = body_module.sanitised_body
    monkeypatch.setattr(
        body_module, "sanitised_body", lambda text: rendered.append(text) or render(text)
    )
    # Shown: rendered again rather than trusted, until the command stores the new one.
    assert Article.objects.get(pk=article.pk).body_html == "<p>Text.</p>\n"
    assert rendered == ["Text."]
    out = StringIO()
    call_command("render_bodies", stdout=out)
    assert "Rendered 1 of 1" in out.getvalue()
    assert Article.objects.get(pk=article.pk).body_rendered_for == rendering_key("Text.")


def test_render_bodies_stores_what_is_missing_or_stale_only():
    fresh = make_article("Fresh", body="Fresh *text*.")
    stale = make_article("Stale", body="Old text.")
    Article.objects.filter(pk=stale.pk).update(body="New **text**.")
    missing = make_article("Missing", body="Missing text.")
    Article.objects.filter(pk=missing.pk).update(body_rendered="", body_rendered_for="")
    out = StringIO()
    call_command("render_bodies", stdout=out)
    assert "Rendered 2 of 3 article bodies" in out.getvalue()
    rows = dict(Article.objects.values_list("pk", "body_rendered"))
    assert rows[stale.pk] == "<p>New <strong>text</strong>.</p>\n"
    assert rows[missing.pk] == "<p>Missing text.</p>\n"
    assert rows[fresh.pk] == "<p>Fresh <em>text</em>.</p>\n"
    call_command("render_bodies", stdout=out)
    assert "Rendered 0 of 3" in out.getvalue()


def test_history_leaves_the_rendering_out_and_a_restore_renders_again():
    from reversion.models import Version

    editor = make_user("desk", is_staff=True, is_superuser=True)
    article = Article(title="Restored", body="First **version**.")
    article.save_revision(user=editor, comment="First")
    article.body = "Second version."
    article.save_revision(user=editor, comment="Second")
    first = Version.objects.get_for_object(article).order_by("pk").first()
    assert "body_rendered" not in first.serialized_data
    # A raw revert writes the row as recorded, without the rendering: the page renders the
    # restored body as it is shown (never the second version's HTML)...
    first.revision.revert(delete=False)
    restored = Article.objects.get(pk=article.pk)
    assert restored.body == "First **version**."
    assert restored.body_html == "<p>First <strong>version</strong>.</p>\n"
    # ...and the save that completes a restore in the admin stores it again.
    restored.save_revision(user=editor, comment="Restored")
    assert Article.objects.get(pk=article.pk).body_rendered_for == rendering_key(restored.body)


def test_generated_articles_come_with_their_bodies_rendered(no_rendering_on_read):
    call_command("generate_content", "--articles", 5, "--seed", 3, stdout=StringIO())
    for article in Article.objects.all():
        assert article.body_rendered_for == rendering_key(article.body)
        assert article.body_html.startswith("<")
