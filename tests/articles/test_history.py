"""Revision history: who changed what, diffs, restore (tags included), recover deleted."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from countries.models import CooperationArea, Country
from tests.factories import (
    article_admin_data,
    make_area,
    make_article,
    make_country,
)

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def save(client, article: Article, **changes) -> None:
    article = Article.objects.get(pk=article.pk)
    response = client.post(change_url(article), article_admin_data(article, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def versions_of(article: Article):
    return Version.objects.get_for_object(article).select_related("revision__user")


def test_every_admin_save_is_recorded_with_who_when_and_the_tags(editor):
    kz, kg = make_country("Kazakhstan"), make_country("Kyrgyzstan")
    article = make_article("Hydropower", tags=["energy"], countries=[kz])
    save(editor, article, tags="energy, water,", countries=[kz.pk, kg.pk])
    save(editor, article, title="Hydropower on the Naryn", tags="water,")

    versions = list(versions_of(article))
    assert len(versions) == 2
    latest, first = versions
    assert latest.revision.user == editor.user
    assert latest.field_dict["title"] == "Hydropower on the Naryn"
    assert first.field_dict["title"] == "Hydropower"

    def tag_names(version) -> set[str]:
        from articles.models import Tag

        linked = [
            v.field_dict["tag_id"]
            for v in version.revision.version_set.all()
            if v.content_type.model == "taggedarticle"
        ]
        return set(Tag.objects.filter(pk__in=linked).values_list("name", flat=True))

    assert tag_names(first) == {"energy", "water"}
    assert tag_names(latest) == {"water"}
    history = editor.get(reverse("admin:articles_article_history", args=[article.pk]))
    page = history.content.decode()
    assert "Desk Editor" in page or "desk" in page
    assert "Changed Title" in page or "Changed title" in page


def test_history_shows_a_readable_diff_between_two_revisions(editor):
    article = make_article("Rail links", body="The railway is planned.", tags=["rail"])
    save(editor, article, body="The railway is planned.\n\nFunding was agreed in May.")
    save(editor, article, body="The railway is under construction.", tags="rail, China,")
    first, second = sorted(v.pk for v in versions_of(article))
    response = editor.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version_id1": first, "version_id2": second},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The railway is <del>planned</del><ins>under construction</ins>." in page
    assert "<del>\n\nFunding was agreed in May.</del>" in page
    assert "<ins>+ Rail links tagged with China</ins>" in page


def test_restoring_an_old_revision_brings_back_tags_countries_and_areas(editor):
    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan")
    energy, water = make_area("Energy"), make_area("Water")
    article = make_article("Canal deal", tags=["irrigation"], countries=[kz], areas=[energy])
    save(editor, article, tags="irrigation, Amu Darya,")  # revision 1: the state to go back to
    save(
        editor,
        article,
        title="Canal deal signed",
        tags="cotton,",
        countries=[uz.pk],
        cooperation_areas=[water.pk],
    )
    old = versions_of(article).order_by("pk").first()

    revert_url = reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    form_page = editor.get(revert_url)
    assert form_page.status_code == 200
    # Looking at an old revision changes nothing.
    article.refresh_from_db()
    assert article.title == "Canal deal signed"

    data = article_admin_data(
        Article.objects.get(pk=article.pk),
        title="Canal deal",
        tags="irrigation, Amu Darya,",
        countries=[kz.pk],
        cooperation_areas=[energy.pk],
        loaded_version=form_page.context["adminform"].form["loaded_version"].value(),
    )
    response = editor.post(revert_url, data)
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert article.title == "Canal deal"
    assert set(article.tags.names()) == {"irrigation", "Amu Darya"}
    assert list(article.countries.all()) == [kz]
    assert list(article.cooperation_areas.all()) == [energy]
    assert versions_of(article).first().revision.comment.startswith("Reverted to previous")


def test_restore_recreates_a_tag_deleted_since(editor):
    article = make_article("Dams", tags=["hydropower", "dams"])
    save(editor, article, tags="hydropower, dams,")
    old = versions_of(article).first()
    editor.post(
        reverse("admin:articles_tag_delete", args=[article.tags.get(name="dams").pk]),
        {"post": "yes"},
    )
    assert set(Article.objects.get(pk=article.pk).tags.names()) == {"hydropower"}

    old.revision.revert(delete=True)
    assert set(Article.objects.get(pk=article.pk).tags.names()) == {"hydropower", "dams"}


def test_a_restored_revision_gets_a_new_version_number(editor):
    article = make_article("Numbers")
    save(editor, article, title="Numbers 2")
    save(editor, article, title="Numbers 3")
    before = Article.objects.get(pk=article.pk).version
    old = versions_of(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, old.pk])
    page = editor.get(url)
    data = {
        **article_admin_data(Article.objects.get(pk=article.pk), title="Numbers 2"),
        "loaded_version": page.context["adminform"].form["loaded_version"].value(),
    }
    assert editor.post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).version > before


def test_a_deleted_article_can_be_recovered_with_its_tags(editor):
    kz = make_country("Kazakhstan")
    article = make_article("Uranium", tags=["uranium", "mining"], countries=[kz])
    pk = article.pk
    response = editor.post(reverse("admin:articles_article_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=pk).exists()

    listing = editor.get(reverse("admin:articles_article_recoverlist")).content.decode()
    assert "Uranium" in listing
    deleted = Version.objects.get_deleted(Article).get(object_id=str(pk))
    url = reverse("admin:articles_article_recover", args=[deleted.pk])
    page = editor.get(url)
    assert page.status_code == 200
    assert not Article.objects.filter(pk=pk).exists()  # looking does not recover
    data = {
        **article_admin_data(None, title="Uranium", slug=article.slug, status="published"),
        "tags": "uranium, mining,",
        "countries": [kz.pk],
        "dek": article.dek,
        "body": article.body,
        "loaded_version": page.context["adminform"].form["loaded_version"].value(),
    }
    assert editor.post(url, data).status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert set(recovered.tags.names()) == {"uranium", "mining"}
    assert list(recovered.countries.all()) == [kz]


def test_bulk_deleted_articles_are_recoverable_too(editor):
    articles = [make_article(f"Bulk {n}") for n in range(3)]
    editor.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in articles],
            "post": "yes",
        },
    )
    assert not Article.objects.filter(pk__in=[a.pk for a in articles]).exists()
    deleted = set(Version.objects.get_deleted(Article).values_list("object_repr", flat=True))
    assert {"Bulk 0", "Bulk 1", "Bulk 2"} <= deleted


def test_country_and_area_changes_are_recorded(editor):
    kz = make_country("Kazakhstan", capital="Astana")
    editor.post(
        reverse("admin:countries_country_change", args=[kz.pk]),
        {
            "name_en": "Kazakhstan",
            "slug": "kazakhstan",
            "code": "KZ",
            "role": "central_asia",
            "capital_en": "Astana (since 1997)",
            "summary_en": "",
            "body_en": "",
            "aliases": "",
        },
    )
    version = Version.objects.get_for_object(kz).get()
    assert version.revision.user == editor.user
    assert version.field_dict["capital"] == "Astana (since 1997)"

    area = make_area("Energy")
    editor.post(
        reverse("admin:countries_cooperationarea_change", args=[area.pk]),
        {
            "name_en": "Energy",
            "name_ru": "Энергетика",
            "slug": "energy",
            "position": 3,
            "summary_en": "Power",
            "body_en": "",
            "keywords": "",
        },
    )
    assert Version.objects.get_for_object(area).get().field_dict["summary"] == "Power"


def test_a_country_in_use_cannot_be_deleted_and_the_admin_lists_what_blocks_it(editor):
    kz = make_country("Kazakhstan")
    make_article("Steppe story", countries=[kz])
    url = reverse("admin:countries_country_delete", args=[kz.pk])
    page = editor.get(url).content.decode()
    assert "would require deleting the following protected related objects" in page
    assert "Steppe story" in page
    editor.post(url, {"post": "yes"})
    assert Country.objects.filter(pk=kz.pk).exists()


def test_an_area_in_use_cannot_be_deleted(editor):
    energy = make_area("Energy")
    make_article("Grid story", areas=[energy])
    editor.post(
        reverse("admin:countries_cooperationarea_delete", args=[energy.pk]), {"post": "yes"}
    )
    assert CooperationArea.objects.filter(pk=energy.pk).exists()


def test_history_pages_keep_per_row_queries_out(editor, django_assert_max_num_queries):
    article = make_article("Busy", tags=["a", "b"])
    for n in range(6):
        save(editor, article, title=f"Busy {n}")
    with django_assert_max_num_queries(15):
        response = editor.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert response.status_code == 200
