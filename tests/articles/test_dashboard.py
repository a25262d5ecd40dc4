"""The desk's panels on the admin home page (summit/dashboard.py, articles/dashboard.py)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.dashboard import PANEL_ROWS, covered_pairs
from articles.models import Article, ReviewNote
from summit import dashboard
from tests.factories import (
    make_area,
    make_article,
    make_contributor,
    make_country,
    make_editor,
    make_scheduled,
    make_user,
)

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
MAX_QUERIES = 20


def panel(response, name: str) -> str:
    """The visible text of one panel (by its class), whitespace squeezed; "" if absent."""
    content = response.content.decode()
    match = re.search(
        rf'<section class="module desk-panel desk-{name}".*?</section>', content, re.S
    )
    if not match:
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))
    return re.sub(r"\s+([:.,)])", r"\1", re.sub(r"\s+", " ", text)).strip()


def panel_html(response, name: str) -> str:
    content = response.content.decode()
    match = re.search(
        rf'<section class="module desk-panel desk-{name}".*?</section>', content, re.S
    )
    return match.group(0) if match else ""


def submit(article: Article, *, days_ago: float, note: str = "Ready") -> None:
    article.status = Article.Status.REVIEW
    article.save(update_fields=["status"])
    ReviewNote.objects.create(
        article=article,
        kind=ReviewNote.Kind.SUBMITTED,
        note=note,
        user=article.author,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


# My drafts


def test_my_drafts_lists_only_my_drafts_newest_change_first(contributor):
    me = contributor.user
    older = make_article("Older draft", published=False, author=me)
    newer = make_article("Newer draft", published=False, author=me)
    Article.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))
    make_article("Someone else's draft", published=False, author=make_user("other"))
    make_article("My published piece", author=me)
    text = panel(contributor.get(INDEX), "drafts")
    assert "My drafts 2" in text
    assert text.index("Newer draft") < text.index("Older draft")
    assert "Someone else's draft" not in text
    assert "My published piece" not in text
    assert reverse("admin:articles_article_change", args=[newer.pk]) in panel_html(
        contributor.get(INDEX), "drafts"
    )


def test_my_drafts_show_the_editors_return_note(contributor):
    me = contributor.user
    editor = make_editor("desk2", first_name="Desk", last_name="Chief")
    draft = make_article("Returned draft", published=False, author=me)
    ReviewNote.objects.create(
        article=draft, kind=ReviewNote.Kind.SUBMITTED, user=me, created_at=timezone.now()
    )
    ReviewNote.objects.create(
        article=draft,
        kind=ReviewNote.Kind.RETURNED,
        note="An old note",
        user=editor,
        created_at=timezone.now() - timedelta(days=5),
    )
    ReviewNote.objects.create(
        article=draft,
        kind=ReviewNote.Kind.RETURNED,
        note="Add a source for the figures.",
        user=editor,
        created_at=timezone.now() + timedelta(seconds=1),
    )
    text = panel(contributor.get(INDEX), "drafts")
    assert "Returned by Desk Chief" in text
    assert "Add a source for the figures." in text
    assert "An old note" not in text


def test_a_return_note_followed_by_a_new_submission_is_not_shown(contributor):
    me = contributor.user
    draft = make_article("Draft again", published=False, author=me)
    now = timezone.now()
    ReviewNote.objects.create(
        article=draft, kind=ReviewNote.Kind.RETURNED, note="Fix it", created_at=now - timedelta(2)
    )
    ReviewNote.objects.create(
        article=draft, kind=ReviewNote.Kind.SUBMITTED, user=me, created_at=now - timedelta(1)
    )
    assert "Fix it" not in panel(contributor.get(INDEX), "drafts")


def test_my_drafts_are_bounded_with_a_link_to_all(contributor):
    for number in range(PANEL_ROWS + 3):
        make_article(f"Draft {number}", published=False, author=contributor.user)
    response = contributor.get(INDEX)
    text = panel(response, "drafts")
    assert text.count("Draft ") == PANEL_ROWS
    assert f"All {PANEL_ROWS + 3} drafts" in text
    link = re.search(r'href="([^"]*status__exact=draft[^"]*)"', panel_html(response, "drafts"))
    listing = contributor.get(html.unescape(link.group(1)))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == PANEL_ROWS + 3


# In review


def test_in_review_lists_the_oldest_submission_first_for_everyone(editor):
    writer = make_contributor("writer2", first_name="Wanda", last_name="Writer")
    recent = make_article("Recent submission", published=False, author=writer)
    oldest = make_article("Oldest submission", published=False, author=writer)
    submit(recent, days_ago=1)
    submit(oldest, days_ago=3)
    # Submitted long ago, returned, then submitted again yesterday: it waits since yesterday.
    again = make_article("Submitted again", published=False, author=writer)
    submit(again, days_ago=10)
    ReviewNote.objects.create(article=again, kind=ReviewNote.Kind.SUBMITTED, user=writer)
    Article.objects.filter(pk=again.pk).update(status=Article.Status.REVIEW)
    make_article("Just a draft", published=False, author=writer)
    text = panel(editor.get(INDEX), "review")
    assert "In review 3" in text
    assert text.index("Oldest submission") < text.index("Recent submission")
    assert text.index("Recent submission") < text.index("Submitted again")
    assert "Wanda Writer" in text
    assert "3 days" in text  # how long the oldest has waited
    assert "Just a draft" not in text
    contributor = make_contributor("someone")
    other = Client()
    other.force_login(contributor)
    assert "Oldest submission" in panel(other.get(INDEX), "review")


def test_in_review_is_bounded_with_a_link_to_all(editor):
    for number in range(PANEL_ROWS + 2):
        submit(make_article(f"Queued {number}", published=False), days_ago=number + 1)
    text = panel(editor.get(INDEX), "review")
    assert text.count("Queued ") == PANEL_ROWS
    assert f"All {PANEL_ROWS + 2} articles in review" in text
    assert "Queued 11" in text and "Queued 0 " not in text  # the longest waiting shown


# Scheduled and published


def test_scheduled_next_lists_the_soonest_first(editor):
    later = make_scheduled("Later piece", days_ahead=5)
    make_scheduled("Sooner piece", days_ahead=1)
    make_article("Live piece")
    response = editor.get(INDEX)
    text = panel(response, "scheduled")
    assert "Scheduled next 2" in text
    assert text.index("Sooner piece") < text.index("Later piece")
    assert "Live piece" not in text
    assert reverse("admin:articles_article_change", args=[later.pk]) in panel_html(
        response, "scheduled"
    )


def test_the_links_to_all_open_the_article_list_filtered_to_the_same_articles(editor):
    for number in range(PANEL_ROWS + 1):
        make_scheduled(f"Later {number}", days_ahead=number + 1)
        submit(make_article(f"Queued {number}", published=False), days_ago=1)
    make_article("Live piece")
    response = editor.get(INDEX)
    for name, expected in (("scheduled", PANEL_ROWS + 1), ("review", PANEL_ROWS + 1)):
        url = re.findall(r'<p class="desk-more"><a href="([^"]+)"', panel_html(response, name))[0]
        listing = editor.get(html.unescape(url))
        assert listing.status_code == 200, url
        assert listing.context["cl"].result_count == expected, name


def test_recently_published_lists_the_newest_live_articles(editor):
    make_article("Yesterday", days_ago=1)
    make_article("Last week", days_ago=7)
    make_scheduled("Tomorrow")
    make_article("Draft", published=False)
    response = editor.get(INDEX)
    text = panel(response, "published")
    assert text.index("Yesterday") < text.index("Last week")
    assert "Tomorrow" not in text and "Draft " not in text
    assert "/articles/yesterday/" in panel_html(response, "published")


# Coverage gaps


@pytest.fixture
def region():
    kazakhstan, uzbekistan = make_country("Kazakhstan"), make_country("Uzbekistan")
    energy, water = make_area("Energy"), make_area("Water")
    return kazakhstan, uzbekistan, energy, water


def test_coverage_gaps_are_the_pairs_with_nothing_in_90_days(editor, region):
    kazakhstan, uzbekistan, energy, water = region
    make_article("Fresh", countries=[kazakhstan], areas=[energy], days_ago=10)
    make_article("Old", countries=[kazakhstan], areas=[water], days_ago=120)
    make_article("Draft", countries=[uzbekistan], areas=[energy], published=False)
    make_scheduled("Soon", countries=[uzbekistan], areas=[water])
    make_article("Japanese", countries=[uzbekistan], areas=[water], language="ja", days_ago=3)
    assert covered_pairs() == {(kazakhstan.pk, energy.pk), (uzbekistan.pk, water.pk)}
    response = editor.get(INDEX)
    text = panel(response, "gaps")
    assert "2 of 4 country and area pairs have had nothing published in the last 90 days" in text
    assert "Kazakhstan Water" in text
    assert "Uzbekistan Energy" in text
    assert "Kazakhstan Energy" not in text
    filtered = f"countries__id__exact={kazakhstan.pk}&amp;cooperation_areas__id__exact={water.pk}"
    assert filtered in panel_html(response, "gaps")
    assert reverse("coverage:matrix") in panel_html(response, "gaps")


def test_a_country_with_nothing_says_every_area(editor, region):
    kazakhstan, _, energy, water = region
    make_article("Fresh", countries=[kazakhstan], areas=[energy, water])
    text = panel(editor.get(INDEX), "gaps")
    assert "Uzbekistan every area" in text
    assert "Kazakhstan" not in text.split("Cooperation areas without articles")[1]


def test_coverage_gaps_are_shared_until_the_next_write(editor, region):
    kazakhstan, uzbekistan, energy, water = region
    make_article("Fresh", countries=[kazakhstan, uzbekistan], areas=[energy])
    assert "Uzbekistan Water" in panel(editor.get(INDEX), "gaps")
    with CaptureQueriesContext(connection) as captured:
        editor.get(INDEX)
    assert not [q for q in captured if 'FROM "articles_articlecountry"' in q["sql"]]
    # A write (here an ORM save, as scripts make) shows on the next visit.
    make_article("Filled", countries=[uzbekistan], areas=[water])
    assert "Uzbekistan Water" not in panel(editor.get(INDEX), "gaps")


def test_full_coverage_says_so(editor, region):
    kazakhstan, uzbekistan, energy, water = region
    make_article("All", countries=[kazakhstan, uzbekistan], areas=[energy, water])
    assert "Every country and area pair has an article from the last 90 days" in panel(
        editor.get(INDEX), "gaps"
    )


# Who sees what


def test_staff_without_view_permission_see_no_panels(client):
    user = make_user("clerk", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_country"))
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert "desk-panel" not in response.content.decode()


def test_a_contributor_and_an_editor_see_their_own_drafts(editor, region):
    writer = make_contributor("writer3")
    make_article("Writer's draft", published=False, author=writer)
    make_article("Editor's draft", published=False, author=editor.user)
    make_scheduled("Embargoed piece", countries=region[:1], areas=region[2:3])
    make_article("Live piece", countries=region[:1], areas=region[2:3])
    text = panel(editor.get(INDEX), "drafts")
    assert "Editor's draft" in text and "Writer's draft" not in text
    contributor = Client()
    contributor.force_login(writer)
    response = contributor.get(INDEX)
    text = panel(response, "drafts")
    assert "Writer's draft" in text and "Editor's draft" not in text
    # The rest of the desk is the same for everyone who may view articles.
    assert "Embargoed piece" in panel(response, "scheduled")
    assert "Live piece" in panel(response, "published")
    assert "3 of 4 country and area pairs" in panel(response, "gaps")
    assert "Nothing is waiting for review." in panel(response, "review")


def test_the_panels_are_styled_by_a_static_file_without_inline_styles(editor):
    content = editor.get(INDEX).content.decode()
    assert "css/admin_dashboard.css" in content
    assert "style=" not in content
    assert "<script>" not in content


def test_a_panel_registry_shows_registered_panels_in_order_to_permitted_users(rf):
    seen = []
    dashboard.register_panel(
        "tests.hello",
        template="admin/dashboard/recently_published.html",
        context=lambda request: seen.append(request) or {"rows": []},
        permission="articles.no_such_permission",
        order=1,
    )
    try:
        request = rf.get(INDEX)
        request.user = make_editor("editor9")
        names = [panel.name for panel in dashboard.panels_for(request)]
        assert "tests.hello" not in names
        assert names[0] == "articles.my_drafts"
        request.user = AnonymousUser()
        assert dashboard.panels_for(request) == []
    finally:
        dashboard.unregister_panel("tests.hello")
    assert seen == []


# Query counts


def fill(count: int, start: int, author, country, area) -> None:
    for number in range(start, start + count):
        make_article(f"Draft {number}", published=False, author=author)
        make_article(f"Live {number}", countries=[country], areas=[area], days_ago=number % 120)
        make_scheduled(f"Later {number}", days_ahead=number + 1)
        submit(make_article(f"Review {number}", published=False), days_ago=number + 1)
        ReviewNote.objects.create(
            article=Article.objects.get(title=f"Draft {number}"),
            kind=ReviewNote.Kind.RETURNED,
            note="Again",
        )


def test_the_dashboard_runs_a_fixed_number_of_queries(
    editor, region, django_assert_max_num_queries
):
    """Whatever the number of articles: the panels' queries, plus the admin's own (session,
    user, permissions, recent actions). Panels with fewer rows than they show skip their
    count, so a small desk runs a few less."""
    kazakhstan, uzbekistan, energy, water = region
    fill(3, 0, editor.user, kazakhstan, energy)
    editor.get(INDEX)  # permissions and content types warm up
    with django_assert_max_num_queries(MAX_QUERIES):
        assert editor.get(INDEX).status_code == 200
    fill(25, 3, editor.user, uzbekistan, water)
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        response = editor.get(INDEX)
    assert f"All {28} drafts" in panel(response, "drafts")
    fill(40, 28, editor.user, uzbekistan, water)
    with django_assert_max_num_queries(len(large.captured_queries)):
        response = editor.get(INDEX)
    assert f"All {68} drafts" in panel(response, "drafts")
