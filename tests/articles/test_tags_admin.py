"""Tags that stay tidy: one tag per word whatever its case, autocomplete, merge, rename."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Tag
from articles.tags import likely_duplicates, tag_key
from tests.factories import (
    article_admin_data,
    make_article,
    make_country,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_tag_changelist"


def test_tags_differing_only_by_case_are_one_tag(editor):
    existing = make_article("First", tags=["Energy"])
    response = editor.post(
        reverse("admin:articles_article_add"),
        article_admin_data(title="Second", tags="energy, ENERGY, grid,"),
    )
    assert response.status_code == 302
    second = Article.objects.get(title="Second")
    assert Tag.objects.filter(name__iexact="energy").count() == 1
    assert set(second.tags.names()) == {"Energy", "grid"}
    assert existing.tags.get() == second.tags.get(name="Energy")


def test_article_form_offers_tag_autocomplete(editor):
    make_article("One", tags=["Energy security", "Energy transition", "Water"])
    make_article("Two", tags=["Energy transition"])
    article = make_article("Three", tags=["Water"])
    form = editor.get(reverse("admin:articles_article_change", args=[article.pk])).content
    page = form.decode()
    assert 'class="vTextField tag-autocomplete"' in page
    assert f'data-autocomplete-url="{reverse("admin:articles_tag_autocomplete")}"' in page
    assert 'list="id_tags_suggestions"' in page
    assert '<datalist id="id_tags_suggestions"></datalist>' in page
    assert "articles/js/tag_autocomplete.js" in page
    assert 'name="tags" value="Water"' in page

    suggestions = editor.get(reverse("admin:articles_tag_autocomplete"), {"term": "energy"})
    assert suggestions.status_code == 200
    # Most used first.
    assert [r["text"] for r in suggestions.json()["results"]] == [
        "Energy transition",
        "Energy security",
    ]


def test_tag_names_with_spaces_survive_the_comma_separated_box(editor):
    response = editor.post(
        reverse("admin:articles_article_add"),
        article_admin_data(title="Corridor", tags="Middle Corridor, rail,"),
    )
    assert response.status_code == 302
    assert set(Article.objects.get(title="Corridor").tags.names()) == {"Middle Corridor", "rail"}


def test_autocomplete_is_for_staff_only(client):
    response = client.get(reverse("admin:articles_tag_autocomplete"), {"term": "e"})
    assert response.status_code == 302


def test_merge_moves_every_article_removes_the_others_and_redirects(editor, client):
    kyrgyzstan = make_article("Bishkek summit", tags=["Kyrgyzstan"])
    kirghizia = make_article("Old atlas", tags=["Kirghizia"])
    both = make_article("Both spellings", tags=["Kyrgyzstan", "Kirghizia", "Kyrgyz Republic"])
    keep = Tag.objects.get(name="Kyrgyzstan")
    others = list(Tag.objects.filter(name__in=["Kirghizia", "Kyrgyz Republic"]))
    old_urls = [tag.get_absolute_url() for tag in others]
    selected = [keep.pk, *[tag.pk for tag in others]]

    confirm = editor.post(
        reverse(CHANGELIST), {"action": "merge_selected_tags", "_selected_action": selected}
    )
    assert confirm.status_code == 200
    assert "Keep this tag" in confirm.content.decode()
    # Each tag with how many articles carry it.
    assert 'Kyrgyzstan <span class="help">(2 articles, /kyrgyzstan/)' in confirm.content.decode()
    assert Tag.objects.count() == 3  # nothing happens before the choice

    done = editor.post(
        reverse(CHANGELIST),
        {"action": "merge_selected_tags", "_selected_action": selected, "target": keep.pk},
    )
    assert done.status_code == 302
    assert list(Tag.objects.values_list("name", flat=True)) == ["Kyrgyzstan"]
    for article in (kyrgyzstan, kirghizia, both):
        assert list(Article.objects.get(pk=article.pk).tags.names()) == ["Kyrgyzstan"]
    for old_url in old_urls:
        response = client.get(old_url)
        assert response.status_code == 301
        assert response["Location"] == keep.get_absolute_url()
    comment = Version.objects.get_for_object(kirghizia).first().revision.comment
    assert "merged into “Kyrgyzstan”" in comment


def test_a_merged_tag_comes_back_when_an_article_is_restored(editor):
    article = make_article("Old atlas", tags=["Kirghizia"])
    make_article("Modern", tags=["Kyrgyzstan"])
    keep = Tag.objects.get(name="Kyrgyzstan")
    old = Tag.objects.get(name="Kirghizia")
    editor.post(
        reverse(CHANGELIST),
        {"action": "merge_selected_tags", "_selected_action": [keep.pk, old.pk], "target": keep.pk},
    )
    before_merge = Version.objects.get_for_object(article).order_by("pk").first()
    assert before_merge.revision.comment == "Before a tag merge"
    before_merge.revision.revert(delete=True)
    assert list(Article.objects.get(pk=article.pk).tags.names()) == ["Kirghizia"]


def test_contributors_cannot_merge_tags_even_by_forged_post(contributor):
    make_article("A", tags=["grid"])
    make_article("B", tags=["Grids"])
    ids = list(Tag.objects.values_list("pk", flat=True))
    contributor.post(
        reverse(CHANGELIST),
        {"action": "merge_selected_tags", "_selected_action": ids, "target": ids[0]},
    )
    assert Tag.objects.count() == 2


def test_renaming_a_tag_moves_its_page_and_leaves_a_redirect(editor, client):
    article = make_article("Story", tags=["Enrgy"])
    tag = Tag.objects.get(name="Enrgy")
    old_url = tag.get_absolute_url()
    response = editor.post(
        reverse("admin:articles_tag_change", args=[tag.pk]), {"name": "Energy", "slug": "enrgy"}
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Energy", "energy")
    assert list(article.tags.names()) == ["Energy"]
    redirect = client.get(old_url)
    assert redirect.status_code == 301 and redirect["Location"] == "/tags/energy/"
    assert client.get("/tags/energy/").status_code == 200


def test_renaming_a_tag_onto_an_existing_name_is_a_form_error(editor):
    make_article("Story", tags=["Energy", "Power"])
    power = Tag.objects.get(name="Power")
    response = editor.post(
        reverse("admin:articles_tag_change", args=[power.pk]), {"name": "energy", "slug": "power"}
    )
    assert response.status_code == 200
    assert "There is already a tag “Energy”" in response.content.decode()
    assert Tag.objects.filter(name="Power").exists()


def test_tidy_page_lists_likely_duplicates_and_unused_tags(editor):
    make_country("Kyrgyzstan", aliases="Kirghizia\nKyrgyz Republic", code="KG", slug="kyrgyzstan")
    make_article("A", tags=["Pipeline", "Kyrgyzstan", "Counter-terrorism", "Tajikistan"])
    make_article("B", tags=["pipelines", "Kirghizia", "counter terrorism", "Tadjikistan"])
    Tag.objects.create(name="Orphan", slug="orphan")
    page = editor.get(reverse("admin:articles_tag_tidy")).content.decode()
    assert "Same word (case, plural or punctuation)" in page
    assert "Names of Kyrgyzstan" in page
    assert "Similar spelling" in page
    assert "Orphan" in page
    groups = {frozenset(t.name for t in g.tags) for g in likely_duplicates()}
    assert frozenset({"Pipeline", "pipelines"}) in groups
    assert frozenset({"Kyrgyzstan", "Kirghizia"}) in groups
    assert frozenset({"Counter-terrorism", "counter terrorism"}) in groups
    assert frozenset({"Tajikistan", "Tadjikistan"}) in groups


def test_tag_key_ignores_case_accents_punctuation_and_plurals():
    assert tag_key("Counter-Terrorism") == tag_key("counter terrorism")
    assert tag_key("Pipelines") == tag_key("pipeline")
    assert tag_key("Batteries") == tag_key("battery")
    assert tag_key("Türkiye") == tag_key("turkiye")
    assert tag_key("Gas") == "gas"
    assert tag_key("防災") == "防災"


def test_unused_filter_lists_tags_no_article_carries(editor):
    make_article("A", tags=["used"])
    Tag.objects.create(name="Orphan", slug="orphan")
    page = editor.get(reverse(CHANGELIST), {"usage": "unused"}).content.decode()
    assert "Orphan" in page
    assert ">used<" not in page


def test_deleting_a_tag_in_use_asks_for_confirmation_listing_its_articles(editor):
    article = make_article("Steppe solar", tags=["solar"])
    tag = Tag.objects.get(name="solar")
    url = reverse("admin:articles_tag_delete", args=[tag.pk])
    page = editor.get(url).content.decode()
    assert "Are you sure" in page
    assert "Steppe solar tagged with solar" in page
    assert Tag.objects.filter(pk=tag.pk).exists()
    assert editor.post(url, {"post": "yes"}).status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert list(Article.objects.get(pk=article.pk).tags.all()) == []


def test_contributors_cannot_delete_a_tag_in_use_but_may_delete_an_unused_one(contributor):
    make_article("Steppe solar", tags=["solar"])
    used = Tag.objects.get(name="solar")
    unused = Tag.objects.create(name="typo", slug="typo")
    assert (
        contributor.post(
            reverse("admin:articles_tag_delete", args=[used.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    forged = contributor.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
    )
    assert forged.status_code == 403
    assert Tag.objects.filter(pk=used.pk).exists()
    contributor.post(reverse("admin:articles_tag_delete", args=[unused.pk]), {"post": "yes"})
    assert not Tag.objects.filter(pk=unused.pk).exists()
