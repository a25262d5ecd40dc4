"""The admin's messages say what happened: which articles, how many, when, in which zone."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Tag
from articles.workflow import PUBLISH_TIME_NOT_SET, WHY_EDITORS_PUBLISH
from countries.models import Country
from tests.factories import (
    article_admin_data,
    make_area,
    make_article,
    make_country,
    make_scheduled,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"


@pytest.fixture
def tokyo(settings):
    settings.TIME_ZONE = "Asia/Tokyo"


def messages_of(response) -> list[str]:
    """The messages on the page a followed redirect ended at."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def save(client, article: Article, **changes):
    article = Article.objects.get(pk=article.pk)
    response = client.post(change_url(article), article_admin_data(article, **changes), follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    return response


def run_action(client, action: str, articles: list[Article]):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


# Saving an article says what readers can see now.


def test_saving_a_scheduled_article_says_when_it_goes_live_in_the_sites_zone(editor, tokyo):
    # With what the pre-publish checklist asks for.
    article = make_article(
        "Rail corridor talks", published=False, countries=[make_country()], areas=[make_area()]
    )
    response = save(
        editor, article, status="published", publish_at_0="2099-12-02", publish_at_1="09:00:00"
    )
    assert "Scheduled — goes live 2 Dec 2099, 09:00 (Asia/Tokyo)." in messages_of(response)


def test_saving_a_draft_says_it_is_not_on_the_site(editor):
    article = make_article("Water sharing", published=False)
    assert "Draft — not on the site." in messages_of(save(editor, article))


@time_machine.travel(datetime(2025, 11, 29, 10, 10, tzinfo=UTC), tick=False)
def test_saving_a_live_article_says_since_when(editor, tokyo):
    article = make_article("Dam finance", days_ago=0)
    messages = messages_of(save(editor, article))
    assert "Published — live since 29 Nov 2025, 19:10 (Asia/Tokyo)." in messages


def test_adding_an_article_says_where_it_stands(editor):
    data = article_admin_data(None, title="Cotton exports fall", slug="cotton-exports-fall")
    response = editor.post(reverse("admin:articles_article_add"), data, follow=True)
    assert response.redirect_chain
    assert "Draft — not on the site." in messages_of(response)


# The list actions count in words and say what they left alone.


def test_publish_now_counts_one_article_in_the_singular(editor):
    # With what the pre-publish checklist asks for.
    draft = make_article(
        "Silk road fair", published=False, countries=[make_country()], areas=[make_area()]
    )
    assert messages_of(run_action(editor, "publish_now", [draft])) == ["Published 1 article."]


def test_publish_now_counts_several_and_names_those_already_live(editor):
    places = {"countries": [make_country()], "areas": [make_area()]}  # for the checklist
    drafts = [make_article(f"Draft {n}", published=False, **places) for n in range(3)]
    live = make_article("Already out")
    scheduled = make_scheduled("Going out later", **places)
    before = Article.objects.get(pk=live.pk).publish_at

    messages = messages_of(run_action(editor, "publish_now", [*drafts, live, scheduled]))

    assert messages == [
        "Published 4 articles.",
        "Skipped 1 article already live: “Already out”.",
    ]
    # A live article keeps its date: publishing it again would have moved it to now.
    assert Article.objects.get(pk=live.pk).publish_at == before
    assert Article.objects.get(pk=scheduled.pk).is_public


def test_publish_now_with_nothing_to_do_warns_and_names_them(editor):
    # Named in the list's order, newest first.
    live = [make_article("Older", days_ago=2), make_article("Newer", days_ago=1)]
    messages = messages_of(run_action(editor, "publish_now", live))
    assert messages == ["Skipped 2 articles already live: “Newer”, “Older”."]


def test_unpublish_counts_and_names_the_drafts_it_skipped(editor):
    live = [make_article(f"Live {n}") for n in range(2)]
    draft = make_article("Still a draft", published=False)
    messages = messages_of(run_action(editor, "unpublish", [*live, draft]))
    assert messages == [
        "Unpublished 2 articles: they are drafts again.",
        "Skipped 1 article that was a draft already: “Still a draft”.",
    ]
    assert messages_of(run_action(editor, "unpublish", [make_article("Lone")])) == [
        "Unpublished 1 article: it is a draft again."
    ]


def test_a_long_list_of_skipped_articles_is_cut_short(editor):
    drafts = [make_article(f"Draft {n}", published=False) for n in range(7)]
    (message,) = messages_of(run_action(editor, "unpublish", drafts))
    assert message.startswith("Skipped 7 articles that were drafts already: “Draft ")
    assert message.endswith(" and 2 more.")


# Restoring and recovering say which version came back.


def test_restoring_says_which_version_came_back_in_the_sites_zone(editor, tokyo):
    article = make_article("Canal deal", published=False)
    with time_machine.travel(datetime(2025, 11, 29, 10, 10, tzinfo=UTC), tick=False):
        save(editor, article)
    save(editor, article, title="Canal deal signed")
    old = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    form = editor.get(url).context["adminform"].form

    current = Article.objects.get(pk=article.pk)
    response = editor.post(
        url,
        article_admin_data(
            current, title="Canal deal", loaded_version=form["loaded_version"].value()
        ),
        follow=True,
    )

    assert response.redirect_chain
    assert messages_of(response) == [
        "Restored the version of 29 Nov 2025, 19:10 (Asia/Tokyo): “Canal deal” is as it was then.",
        "Draft — not on the site.",
    ]


def test_recovering_names_the_article_and_when_it_was_deleted(editor, tokyo):
    article = make_article("Uranium prices", published=False)
    with time_machine.travel(datetime(2025, 11, 29, 10, 10, tzinfo=UTC), tick=False):
        delete_url = reverse("admin:articles_article_delete", args=[article.pk])
        editor.post(delete_url, {"post": "yes"}, follow=True)
    deleted = Version.objects.get_deleted(Article).get(object_id=str(article.pk))
    url = reverse("admin:articles_article_recover", args=[deleted.pk])
    form = editor.get(url).context["adminform"].form
    data = {
        **article_admin_data(None, title=article.title, slug=article.slug),
        "loaded_version": form["loaded_version"].value(),
    }

    response = editor.post(url, data, follow=True)

    assert response.redirect_chain
    assert messages_of(response)[0] == (
        "Recovered “Uranium prices” as it was on 29 Nov 2025, 19:10 (Asia/Tokyo)."
    )


def test_restoring_a_country_says_so_too(editor):
    kz = make_country("Kazakhstan", capital="Astana")
    url = reverse("admin:countries_country_change", args=[kz.pk])
    data = {
        "name_en": "Kazakhstan",
        "name_ja": "カザフスタン",
        "name_ru": "Казахстан",
        "slug": "kazakhstan",
        "code": "KZ",
        "role": "central_asia",
        "summary_en": "",
        "body_en": "",
        "aliases": "",
    }
    editor.post(url, {**data, "capital_en": "Astana"}, follow=True)
    editor.post(url, {**data, "capital_en": "Nur-Sultan"}, follow=True)
    old = Version.objects.get_for_object(kz).order_by("pk").first()
    revert = reverse("admin:countries_country_revision", args=[kz.pk, old.pk])

    response = editor.post(revert, {**data, "capital_en": "Astana"}, follow=True)

    (message,) = messages_of(response)
    assert message.startswith("Restored the version of ")
    assert message.endswith(": “Kazakhstan” is as it was then.")
    assert Country.objects.get(pk=kz.pk).capital == "Astana"


# Tags and the models' names.


def test_merging_tags_counts_articles_in_words(editor):
    keep, merged = Tag.objects.create(name="Pipeline"), Tag.objects.create(name="pipelines")
    make_article("Gas line", tags=[merged])
    response = editor.post(
        reverse("admin:articles_tag_changelist"),
        {
            "action": "merge_selected_tags",
            "_selected_action": [keep.pk, merged.pk],
            "target": keep.pk,
        },
        follow=True,
    )
    assert messages_of(response) == [
        "Merged “pipelines” into “Pipeline”: 1 article now carries it, and the old tag page "
        "redirects to it."
    ]


def test_deleting_an_article_lists_its_links_with_proper_plurals(editor):
    article = make_article("Two-country story")
    article.countries.set([make_country("Kazakhstan"), make_country("Uzbekistan")])
    page = editor.get(reverse("admin:articles_article_delete", args=[article.pk]))
    text = page.content.decode()
    assert "Article countries: 2" in text
    assert "countrys" not in text


# A Contributor cannot publish; the form says why instead of showing bare values.


def field_html(page, name: str) -> str:
    """The rendered row of one admin form field."""
    text = page.content.decode()
    start = text.index(f"field-{name}")
    end = text.find('class="form-row', start)
    return text[start:end]


@time_machine.travel(datetime(2025, 11, 29, 10, 10, tzinfo=UTC), tick=False)
def test_a_contributor_is_told_why_they_cannot_publish_a_new_article(contributor, tokyo):
    page = contributor.get(reverse("admin:articles_article_add"))

    status = field_html(page, "status_for_contributor")
    assert "Draft — not on the site" in status
    assert WHY_EDITORS_PUBLISH in status
    publish_time = field_html(page, "publish_time_for_contributor")
    assert PUBLISH_TIME_NOT_SET in publish_time
    # The time the page was opened is not a publication date.
    assert "19:10" not in publish_time and "29 Nov" not in publish_time
    assert 'name="status"' not in page.content.decode()


def test_a_contributor_sees_the_explanation_on_their_own_draft(contributor):
    draft = make_article("My draft", published=False, author=contributor.user, days_ago=30)
    page = contributor.get(change_url(draft))
    assert WHY_EDITORS_PUBLISH in field_html(page, "status_for_contributor")
    assert PUBLISH_TIME_NOT_SET in field_html(page, "publish_time_for_contributor")


def test_a_contributor_sees_the_real_time_of_a_scheduled_article(contributor, tokyo):
    article = make_article("Coming soon")
    Article.objects.filter(pk=article.pk).update(publish_at=datetime(2099, 12, 2, 0, 0, tzinfo=UTC))
    page = contributor.get(change_url(article))

    status = field_html(page, "status_for_contributor")
    assert "Scheduled — goes live 2 Dec 2099, 09:00 (Asia/Tokyo)" in status
    assert WHY_EDITORS_PUBLISH not in status  # not their draft to save
    assert "2 Dec 2099, 09:00 (Asia/Tokyo)" in field_html(page, "publish_time_for_contributor")


def test_an_editor_still_sets_status_and_publish_time(editor):
    page = editor.get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="status"' in page and 'name="publish_at_0"' in page
    assert WHY_EDITORS_PUBLISH not in page


def test_a_contributors_draft_saves_with_the_explanation_shown(contributor):
    data = article_admin_data(None, title="Field notes", slug="field-notes")
    del data["status"]
    response = contributor.post(reverse("admin:articles_article_add"), data, follow=True)
    assert response.redirect_chain
    assert "Draft — not on the site." in messages_of(response)
    assert Article.objects.get(slug="field-notes").status == Article.Status.DRAFT
