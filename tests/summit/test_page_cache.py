"""The page cache: anonymous readers get stored pages until the content changes, and never
anything meant for someone else (summit/page_cache.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.test.signals import template_rendered
from django.urls import path, reverse

from articles.models import Article, AuthorProfile, Tag
from articles.tags import merge_tags
from articles.views import ArticleDetailView
from summit import urls as summit_urls
from summit.page_cache import CACHE_STATUS_HEADER
from tests.factories import (
    make_area,
    make_article,
    make_author,
    make_country,
    make_editor,
    make_staff,
)

pytestmark = pytest.mark.django_db


# A page that differs for a signed-in editor, as pages with "edit" links would.
def greeting(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff:
        return HttpResponse(f"<p>Staff only: edit as {request.user.username}</p>")
    return HttpResponse("<p>Hello, reader</p>")


def with_form(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string("<form method=post>{% csrf_token %}</form>")
    return HttpResponse(template.render({}, request))


def with_message(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages

    messages.info(request, "Saved")
    return render(request, "404.html", status=200)


urlpatterns = [
    path("greeting/", greeting),
    path("form/", with_form),
    path("message/", with_message),
    # The site's own patterns (i18n_patterns cannot be included, only added).
    *summit_urls.urlpatterns,
]


@pytest.fixture
def personal_pages(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def renders():
    """The templates rendered, a view spy for every HTML page."""
    rendered: list[str] = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    yield rendered
    template_rendered.disconnect(record)


@pytest.fixture
def newsroom():
    kazakhstan = make_country("Kazakhstan")
    energy = make_area("Energy")
    author = make_author("aida", display_name="Aida Sarsen")
    story = make_article(
        "Wind farms court lenders",
        countries=[kazakhstan],
        areas=[energy],
        tags=["wind power"],
        author=author,
    )
    return {"country": kazakhstan, "area": energy, "author": author, "story": story}


# Passes the pre-publish checklist, so `import_article --publish` publishes it.
WIRE_STORY = (
    "# Tokyo funds a railway\n\nStandfirst: Japanese money for a line across Kazakhstan.\n\n"
    "Japanese money for the energy line in Kazakhstan.\n"
)


def text(response) -> str:
    return response.content.decode()


def twice(client, url: str, **kwargs):
    """The page as rendered, then as served the second time."""
    return client.get(url, **kwargs), client.get(url, **kwargs)


# What is cached


PUBLIC_PAGES = [
    "/",
    "/articles/",
    "/articles/?country=kazakhstan&tag=wind-power",
    "/articles/wind-farms-court-lenders/",
    "/tags/",
    "/tags/wind-power/",
    "/countries/",
    "/countries/kazakhstan/",
    "/areas/energy/",
    "/coverage/",
    "/archive/",
    "/authors/aida/",
    "/search/?q=wind",
    "/feed/",
    "/feed/atom/",
    "/tags/wind-power/feed/",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_public_page_is_served_from_the_cache_the_second_time(
    client, newsroom, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200, url
    assert first[CACHE_STATUS_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second[CACHE_STATUS_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_a_head_request_is_answered_from_the_stored_page(client, newsroom, renders):
    client.get("/")
    renders.clear()
    response = client.head("/")
    assert response.status_code == 200
    assert response[CACHE_STATUS_HEADER] == "hit"
    assert renders == []


def test_each_encoding_a_reader_accepts_has_its_own_copy(client, newsroom):
    client.get("/", headers={"accept-encoding": "gzip"})
    assert client.get("/", headers={"accept-encoding": "gzip"})[CACHE_STATUS_HEADER] == "hit"
    assert client.get("/", headers={"accept-encoding": "br"})[CACHE_STATUS_HEADER] == "miss"


@pytest.mark.parametrize("status_url", ["/articles/no-such-story/", "/articles"])
def test_other_statuses_are_not_stored(client, status_url):
    first, second = twice(client, status_url)
    assert first.status_code in (301, 404)
    assert not second.has_header(CACHE_STATUS_HEADER)


def test_a_post_is_never_answered_from_the_cache(client, newsroom):
    client.get("/search/?q=wind")
    response = client.post("/search/?q=wind")
    assert not response.has_header(CACHE_STATUS_HEADER)


# Invalidation: every kind of change shows on the affected page at once


def test_publishing_shows_at_once(client, newsroom, django_capture_on_commit_callbacks):
    draft = make_article("Rail link agreed", published=False)
    assert "Rail link agreed" not in text(client.get("/"))
    with django_capture_on_commit_callbacks(execute=True):
        # No country or area, which the pre-publish checklist asks for: beside the point here.
        draft.publish(user=make_editor(), override_reason="testing the cache")
    assert "Rail link agreed" in text(client.get("/"))
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_editing_shows_at_once(client, newsroom, django_capture_on_commit_callbacks):
    story = newsroom["story"]
    client.get(story.get_absolute_url())
    client.get("/articles/")
    story.title = "Wind farms win lenders"
    with django_capture_on_commit_callbacks(execute=True):
        story.save_revision(user=make_editor(), comment="Retitled")
    assert "Wind farms win lenders" in text(client.get(story.get_absolute_url()))
    assert "Wind farms win lenders" in text(client.get("/articles/"))


def test_unpublishing_shows_at_once(client, newsroom, django_capture_on_commit_callbacks):
    story = newsroom["story"]
    url = story.get_absolute_url()
    assert client.get(url).status_code == 200
    client.get("/feed/")
    with django_capture_on_commit_callbacks(execute=True):
        story.unpublish(user=make_editor())
    assert client.get(url).status_code == 404
    assert story.title not in text(client.get("/feed/"))


def test_deleting_shows_at_once(client, newsroom, django_capture_on_commit_callbacks):
    story = newsroom["story"]
    client.get("/articles/")
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk=story.pk).delete_with_history(user=make_editor())
    assert story.title not in text(client.get("/articles/"))


def test_a_bulk_revise_shows_at_once(client, newsroom, django_capture_on_commit_callbacks):
    # `revise()` writes with update(): no model signal, only the after-commit announcement.
    other = make_article("Second story")
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(pk__in=[newsroom["story"].pk, other.pk]).revise(
            user=make_editor(), comment="Back to drafts", status=Article.Status.DRAFT
        )
    home = text(client.get("/"))
    assert "Second story" not in home and newsroom["story"].title not in home


def test_a_tag_merge_shows_at_once(client, newsroom, django_capture_on_commit_callbacks):
    story = newsroom["story"]
    target = Tag.objects.create(name="renewables")
    client.get(story.get_absolute_url())
    client.get("/tags/")
    with django_capture_on_commit_callbacks(execute=True):
        merge_tags(target, [Tag.objects.get(name="wind power")], user=make_editor())
    assert "renewables" in text(client.get(story.get_absolute_url()))
    assert "wind power" not in text(client.get("/tags/"))


def test_a_tag_rename_shows_at_once(client, newsroom):
    story = newsroom["story"]
    client.get(story.get_absolute_url())
    # The facets name their tags from each process's kept tags (`known_tags()`).
    assert "wind power" in text(client.get("/articles/"))
    tag = Tag.objects.get(name="wind power")
    tag.name = "wind energy"
    tag.save()
    assert "wind energy" in text(client.get(story.get_absolute_url()))
    facets = text(client.get("/articles/"))
    assert "wind energy" in facets
    assert "wind power" not in facets


@pytest.mark.parametrize("kind", ["country", "area"])
def test_a_country_or_area_rename_shows_at_once(client, newsroom, kind):
    story = newsroom["story"]
    client.get(story.get_absolute_url())
    client.get("/coverage/")
    place = newsroom[kind]
    place.name = f"Renamed {kind}"
    place.save()
    assert f"Renamed {kind}" in text(client.get(story.get_absolute_url()))
    assert f"Renamed {kind}" in text(client.get("/coverage/"))


def test_an_author_profile_change_shows_at_once(client, newsroom):
    story = newsroom["story"]
    client.get(story.get_absolute_url())
    client.get("/authors/aida/")
    profile = AuthorProfile.objects.get(user=newsroom["author"])
    profile.display_name = "Aida S. Sarsenova"
    profile.save()
    assert "Aida S. Sarsenova" in text(client.get(story.get_absolute_url()))
    assert "Aida S. Sarsenova" in text(client.get("/authors/aida/"))


def test_a_management_command_import_shows_at_once(
    client, newsroom, tmp_path, django_capture_on_commit_callbacks
):
    client.get("/")
    wire = tmp_path / "wire.md"
    wire.write_text(WIRE_STORY)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_article", str(wire), "--publish", stdout=None)
    assert "Tokyo funds a railway" in text(client.get("/"))


def test_a_scheduled_article_appears_at_its_time_with_nothing_saved(client, newsroom):
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        make_article("Summit opens in Astana", publish_at=start + timedelta(hours=1))
        home = client.get("/")
        assert "Summit opens in Astana" not in text(home)
        # Browsers and proxies may not keep it past the moment either.
        assert "max-age=60" in home["Cache-Control"]
    with time_machine.travel(start + timedelta(minutes=59, seconds=30), tick=False):
        assert client.get("/")[CACHE_STATUS_HEADER] == "hit"
        assert "max-age=30," in client.get("/")["Cache-Control"]
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        assert "Summit opens in Astana" in text(client.get("/"))
        assert "Summit opens in Astana" in text(client.get("/feed/"))


# Signed-in staff and the public never get each other's copy


def test_staff_after_the_public_get_a_fresh_page_of_their_own(client, personal_pages):
    assert "Hello, reader" in text(client.get("/greeting/"))
    client.force_login(make_staff("desk"))
    response = client.get("/greeting/")
    assert "Staff only: edit as desk" in text(response)
    assert not response.has_header(CACHE_STATUS_HEADER)
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_the_public_after_staff_never_see_the_staff_page(client, personal_pages):
    client.force_login(make_staff("desk"))
    client.get("/greeting/")
    client.get("/greeting/")
    client.logout()
    client.cookies.clear()
    assert "Staff only" not in text(client.get("/greeting/"))


def test_staff_are_never_told_their_public_copy_is_current(client, newsroom, renders):
    public = client.get("/")
    client.force_login(make_staff("desk"))
    renders.clear()
    response = client.get("/", headers={"if-none-match": public["ETag"]})
    assert response.status_code == 200
    assert "home.html" in renders


def test_a_page_that_sets_a_cookie_is_not_stored(client, personal_pages):
    first, second = twice(client, "/form/")
    assert first.cookies and "private" in first["Cache-Control"]
    assert not second.has_header(CACHE_STATUS_HEADER)


def test_a_reader_with_messages_waiting_gets_a_fresh_page(client, newsroom, personal_pages):
    client.get("/")
    client.cookies[CookieStorage.cookie_name] = "pending"
    assert not client.get("/").has_header(CACHE_STATUS_HEADER)


# Conditional requests


def test_a_revalidation_is_answered_304_without_rendering(
    client, newsroom, monkeypatch, renders, django_assert_num_queries
):
    calls = []
    original = ArticleDetailView.get
    monkeypatch.setattr(
        ArticleDetailView, "get", lambda self, *a, **k: calls.append(1) or original(self, *a, **k)
    )
    url = newsroom["story"].get_absolute_url()
    first = client.get(url)
    assert calls == [1]
    renders.clear()
    with django_assert_num_queries(0):
        repeat = client.get(url, headers={"if-none-match": first["ETag"]})
    assert repeat.status_code == 304
    assert repeat.content == b""
    assert calls == [1] and renders == []
    assert repeat["ETag"] == first["ETag"]
    assert "public" in repeat["Cache-Control"]


def test_a_revalidation_after_a_change_gets_the_new_page(client, newsroom):
    story = newsroom["story"]
    first = client.get(story.get_absolute_url())
    story.title = "Wind farms win lenders"
    story.save()
    changed = client.get(story.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "win lenders" in text(changed)


# Headers


def test_public_pages_say_how_long_anyone_may_keep_them(client, newsroom):
    response = client.get("/")
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=60", "stale-while-revalidate=300"}
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"cookie", "accept-encoding"} <= vary
    assert response.has_header("ETag") and response.has_header("Last-Modified")


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/login/", "/admin/jsi18n/", "/admin/articles/article/"]
)
def test_admin_pages_are_private_and_never_stored(client, url):
    client.force_login(make_staff("desk"))
    response = client.get(url)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives and "public" not in directives


def test_the_admin_sign_in_page_is_private_for_anonymous_visitors_too(client):
    response = client.get("/admin/login/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_previews_are_private_and_never_stored(client):
    from articles.preview import share_token

    draft = make_article("Embargoed", published=False)
    shared = reverse("articles:shared_preview", kwargs={"token": share_token(draft)})
    first, second = twice(client, shared)
    assert first.status_code == 200
    assert "private" in first["Cache-Control"] and "no-store" in first["Cache-Control"]
    assert not second.has_header(CACHE_STATUS_HEADER)


def test_the_health_check_is_never_stored(client):
    _, second = twice(client, "/healthz")
    assert not second.has_header(CACHE_STATUS_HEADER)


def test_stored_pages_are_still_served_while_the_database_is_down(client, newsroom):
    from unittest import mock

    from django.db import OperationalError

    client.get("/")
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor") as cursor:
        cursor.side_effect = OperationalError("down")
        response = client.get("/")
    assert (response.status_code, response[CACHE_STATUS_HEADER]) == (200, "hit")
