"""The pre-publish checklist: each item blocks publishing, an Editor may override it with a
reason that History records, and the article list's "Publish now" skips what fails."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Version

from articles.checklist import (
    TITLE_MAX_LENGTH,
    ChecklistError,
    ChecklistInput,
    broken_links,
    checklist_problems,
)
from articles.models import Article, ReviewNote
from summit.models import Redirect
from tests.factories import (
    article_admin_data,
    make_area,
    make_article,
    make_country,
    make_editor,
)

pytestmark = pytest.mark.django_db


def ready_draft(title: str = "Solar parks on the steppe", **fields) -> Article:
    return make_article(
        title,
        published=False,
        countries=[make_country()],
        areas=[make_area()],
        **fields,
    )


def latest_comment(article: Article) -> str:
    return Version.objects.get_for_object(article).order_by("-pk").first().revision.comment


def test_a_complete_draft_passes():
    assert checklist_problems(ChecklistInput.of(ready_draft())) == []


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"dek": ""}, "no standfirst"),
        ({"countries": []}, "no country chosen"),
        ({"areas": []}, "no cooperation area chosen"),
        ({"lead_image": "articles/x.jpg", "lead_image_alt": ""}, "has no description"),
        ({"body": "See [the archive](/nowhere-at-all/)."}, "broken links: /nowhere-at-all/"),
        ({"body": "See [this](/articles/no-such-story/)."}, "/articles/no-such-story/"),
        ({"body": '![Dam](image:987654 "The dam")'}, "image:987654"),
        ({"title": "x" * (TITLE_MAX_LENGTH + 1)}, "the title has 71 characters"),
    ],
)
def test_each_item_blocks_publishing(change, missing):
    article = ready_draft()
    data = ChecklistInput.of(article, **change)
    problems = checklist_problems(data)
    assert len(problems) == 1 and missing in problems[0]


def test_the_write_path_refuses_with_an_error_naming_what_is_missing():
    editor = make_editor()
    article = make_article("Bare draft", published=False, dek="")
    with pytest.raises(ChecklistError) as refused:
        article.publish(user=editor)
    message = str(refused.value)
    assert "no standfirst" in message
    assert "no country chosen" in message
    assert "no cooperation area chosen" in message
    assert refused.value.problems == [
        "no standfirst",
        "no country chosen",
        "no cooperation area chosen",
    ]
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not ReviewNote.objects.exists()


def test_an_override_reason_publishes_and_is_recorded_in_history():
    editor = make_editor()
    article = make_article("Quake hits Osh", published=False, dek="")
    article.publish(user=editor, override_reason="Breaking news, details to follow")
    article.refresh_from_db()
    assert article.is_public
    comment = latest_comment(article)
    assert "Checklist overridden (Breaking news, details to follow)" in comment
    assert "missing: no standfirst; no country chosen; no cooperation area chosen" in comment
    overridden = article.review_notes.get(kind=ReviewNote.Kind.OVERRIDDEN)
    assert (overridden.note, overridden.user) == ("Breaking news, details to follow", editor)
    assert article.review_notes.filter(kind=ReviewNote.Kind.PUBLISHED).exists()


def test_links_that_work_pass(settings):
    settings.ALLOWED_HOSTS = ["news.example"]
    target = make_article("Target", slug="target-story")
    country = make_country("Kazakhstan", slug="kazakhstan")
    Redirect.objects.create(old_path="/articles/old-name/", new_path=target.get_absolute_url())
    body = "\n".join(
        [
            "[story](/articles/target-story/) and [in Russian](/ru/articles/target-story/)",
            f"[country]({country.get_absolute_url()}) [home](/) [search](/search/?q=x)",
            "[moved](/articles/old-name/) [other site](https://example.org/articles/nothing/)",
            "[absolute](https://news.example/articles/target-story/#top) [mail](mailto:a@b.c)",
            '<a href="/tags/">tags</a> [anchor](#notes)',
        ]
    )
    assert broken_links(body, article_model=Article) == []


def test_broken_links_on_our_own_hosts_are_found(settings):
    settings.ALLOWED_HOSTS = ["news.example"]
    body = (
        "[a](https://news.example/articles/gone/) [b](http://news.example/nope/) "
        '<a href="/countries/atlantis/">c</a> [d](https://elsewhere.example/nope/)'
    )
    assert broken_links(body, article_model=Article) == [
        "https://news.example/articles/gone/",
        "http://news.example/nope/",
        "/countries/atlantis/",
    ]


def test_demo_content_passes_the_checklist():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    published = Article.objects.filter(status=Article.Status.PUBLISHED).prefetch_related(
        "countries", "cooperation_areas"
    )
    assert published.count() > 10
    failing = {
        article.title: checklist_problems(ChecklistInput.of(article)) for article in published
    }
    assert {title: problems for title, problems in failing.items() if problems} == {}


# The admin: the form, the approve page and the list action.


def test_editor_form_refuses_to_publish_what_fails_and_says_what_is_missing(client):
    client.force_login(make_editor())
    article = make_article("No places yet", published=False)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, article_admin_data(article, status=Article.Status.PUBLISHED))
    assert response.status_code == 200
    page = response.content.decode()
    assert "no country chosen" in page and "no cooperation area chosen" in page
    assert 'name="override_reason"' in page
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_editor_form_checks_the_countries_and_areas_being_saved(client):
    client.force_login(make_editor())
    article = make_article("Places in the form", published=False)
    data = article_admin_data(
        article,
        status=Article.Status.PUBLISHED,
        countries=[make_country().pk],
        cooperation_areas=[make_area().pk],
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.is_public


def test_editor_form_override_is_recorded(client):
    editor = make_editor()
    client.force_login(editor)
    article = make_article("Urgent", published=False)
    data = article_admin_data(
        article, status=Article.Status.PUBLISHED, override_reason="Places come tonight"
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.is_public
    assert "Checklist overridden (Places come tonight)" in latest_comment(article)
    assert article.review_notes.filter(
        kind=ReviewNote.Kind.OVERRIDDEN, note="Places come tonight", user=editor
    ).exists()
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert "Checklist overridden (Places come tonight)" in history.content.decode()


def test_approve_page_shows_the_failing_checklist_and_needs_a_reason(client):
    client.force_login(make_editor())
    article = make_article("Thin", published=False, dek="")
    url = reverse("admin:articles_article_review_approve", args=[article.pk])
    page = client.get(url).content.decode()
    assert "✗" in page and "no standfirst" in page
    response = client.post(url, {"when": "now"})
    assert response.status_code == 200
    assert "Not published: the pre-publish checklist found no standfirst" in (
        response.content.decode()
    )
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
    client.post(url, {"when": "now", "override_reason": "Wire copy"})
    assert Article.objects.get(pk=article.pk).is_public


def test_publish_now_action_skips_what_fails_and_says_why(client):
    client.force_login(make_editor())
    good = ready_draft("Good to go")
    bad = make_article("Missing places", published=False)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_now", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "Published 1 article." in messages
    assert any(
        "Skipped “Missing places”" in m and "no country chosen" in m and "no cooperation area" in m
        for m in messages
    )
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.is_public
    assert bad.status == Article.Status.DRAFT
    assert not Version.objects.get_for_object(bad).exists()  # untouched, nothing recorded
    assert latest_comment(good) == "Published. From the article list"
    before = Version.objects.get_for_object(good).order_by("pk").first().revision.comment
    assert before == "Before a list action"  # the action can be undone
