from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.articles.conftest import signed_in
from tests.factories import (
    make_area,
    make_article,
    make_country,
    make_scheduled,
    make_staff,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    """A client signed in as a superuser, who may do everything in the admin."""
    return signed_in(client, make_staff("desk", first_name="Desk", last_name="Editor"))


def test_staff_user_adds_an_article_with_taxonomy(editor_client):
    kz = make_country("Kazakhstan")
    energy = make_area("Energy")
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Steppe solar",
            "slug": "",
            "dek": "Panels on the steppe.",
            "body": "Sun **everywhere**.",
            "status": "published",
            "language": "en",
            "publish_at_0": timezone.localdate().isoformat(),
            "publish_at_1": "00:00:00",
            "byline": "",
            "countries": [kz.pk],
            "cooperation_areas": [energy.pk],
            "tags": "solar, 防災",
            "lead_image_alt": "",
            "lead_image_credit": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(title="Steppe solar")
    assert article.slug == "steppe-solar"
    assert article.author == editor_client.user
    assert list(article.countries.all()) == [kz]
    assert list(article.cooperation_areas.all()) == [energy]
    assert set(article.tags.names()) == {"solar", "防災"}
    assert editor_client.get(article.get_absolute_url()).status_code == 200


def test_staff_user_changes_an_article(editor_client):
    article = make_article("Old title", tags=["energy"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert b"Old title" in page.content
    response = editor_client.post(
        url,
        {
            "title": "New title",
            "slug": article.slug,
            "dek": article.dek,
            "body": article.body,
            "status": "draft",
            "language": "en",
            "publish_at_0": article.publish_at.date().isoformat(),
            "publish_at_1": "10:00:00",
            "tags": "energy, grid",
            "lead_image_alt": "",
            "lead_image_credit": "",
            "loaded_version": article.version,
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "New title"
    assert article.status == "draft"
    assert set(article.tags.names()) == {"energy", "grid"}


def test_change_without_the_opened_version_is_refused_and_changes_nothing(editor_client):
    article = make_article("Original")
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        {
            "title": "Forged",
            "slug": article.slug,
            "status": "published",
            "publish_at_0": article.publish_at.date().isoformat(),
            "publish_at_1": "10:00:00",
            "tags": "",
            "lead_image_alt": "",
            "lead_image_credit": "",
        },
    )
    assert response.status_code == 200
    assert "does not say which version" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Original"


def test_image_without_description_is_a_form_error(editor_client):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (20, 10), "navy").save(buffer, "PNG")
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Pictured",
            "status": "draft",
            "publish_at_0": "2026-01-01",
            "publish_at_1": "00:00:00",
            "tags": "",
            "lead_image": SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png"),
            "lead_image_alt": "",
            "lead_image_credit": "",
        },
    )
    assert response.status_code == 200
    assert "Describe the image" in response.content.decode()
    assert not Article.objects.filter(title="Pictured").exists()


def test_list_marks_scheduled_articles_and_links_to_published_ones(editor_client):
    make_scheduled("Later", days_ahead=3)
    live = make_article("Live now")
    response = editor_client.get(reverse("admin:articles_article_changelist"))
    page = response.content.decode()
    assert "Scheduled for" in page
    change = editor_client.get(reverse("admin:articles_article_change", args=[live.pk]))
    assert "View on site" in change.content.decode()


def test_view_on_site_is_hidden_for_drafts(editor_client):
    draft = make_article("Draft", published=False)
    change = editor_client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert "View on site" not in change.content.decode()


def test_publish_now_and_unpublish_actions(editor_client):
    # With what the pre-publish checklist asks for.
    draft = make_article(
        "Draft", published=False, days_ago=-30, countries=[make_country()], areas=[make_area()]
    )
    url = reverse("admin:articles_article_changelist")
    editor_client.post(url, {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_public
    assert timezone.now() - draft.publish_at < timedelta(minutes=1)
    editor_client.post(url, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_article_list_filters_and_search_work(editor_client):
    kz = make_country("Kazakhstan")
    make_article("Uranium story", countries=[kz], tags=["uranium"])
    make_article("Cotton story")
    url = reverse("admin:articles_article_changelist")
    assert b"Uranium story" in editor_client.get(url, {"q": "uranium"}).content
    assert b"Cotton story" not in editor_client.get(url, {"q": "uranium"}).content
    filtered = editor_client.get(url, {"countries__id__exact": kz.pk})
    assert b"Uranium story" in filtered.content and b"Cotton story" not in filtered.content


def test_admin_lists_do_not_query_per_row(editor_client, django_assert_max_num_queries):
    countries = [make_country(f"Country {n}") for n in range(5)]
    areas = [make_area(f"Area {n}") for n in range(5)]
    # Authors too: the list shows each article's, which once cost a query per row.
    authors = [make_user(f"writer{n}") for n in range(4)]
    for number in range(40):
        make_article(
            f"Story {number}",
            countries=countries[:2],
            areas=areas[:2],
            tags=[f"t{number}"],
            author=authors[number % len(authors)],
        )
    for name in [
        "articles_article",
        "articles_tag",
        "countries_country",
        "countries_cooperationarea",
    ]:
        with django_assert_max_num_queries(12):
            response = editor_client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200


def test_country_and_area_lists_show_article_counts(editor_client):
    kz = make_country("Kazakhstan")
    energy = make_area("Energy")
    make_article("One", countries=[kz], areas=[energy])
    make_article("Two", countries=[kz], areas=[energy], published=False)
    page = editor_client.get(reverse("admin:countries_country_changelist")).content.decode()
    assert '<td class="field-article_count">2</td>' in page
    assert '<td class="field-published_count">1</td>' in page


def test_country_autocomplete_answers(editor_client):
    make_country("Kazakhstan")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "kaz",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "countries",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Kazakhstan"]


@pytest.mark.parametrize("object_id", ["²", "٣"])
def test_a_change_page_address_with_other_digits_is_not_found_rather_than_an_error(
    editor_client, object_id
):
    response = editor_client.get(f"/admin/articles/article/{object_id}/change/", follow=True)
    assert response.status_code == 200
    assert "doesn\u2019t exist" in response.content.decode()
