"""Addresses from routes reversed once (summit/addresses.py): the same as `reverse()` gives,
in every language, under a script prefix, and for slugs in any script."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.models import Article, Tag
from countries.models import CooperationArea, Country
from summit.addresses import Kept, reverse_slug

SLUG_ROUTES = ("articles:detail", "articles:tag", "countries:detail", "areas:detail")
SLUGS = ("energy", "rail-freight-2", "防災", "энергетика", "ça_va", "x" * 220)
# Letters, digits, underscores and hyphens of any script: what the slug converter accepts.
slug_text = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Lo", "Nd"), include_characters="-_"),
    min_size=1,
    max_size=40,
)


def reversed_in(language: str, viewname: str, slug: str) -> str:
    with translation.override(language):
        return reverse(viewname, kwargs={"slug": slug})


@pytest.mark.parametrize("viewname", SLUG_ROUTES)
@pytest.mark.parametrize("language", ["en", "ja", "ru"])
def test_addresses_match_reverse_in_every_language(viewname, language):
    for slug in SLUGS:
        with translation.override(language):
            assert reverse_slug(viewname, slug) == reversed_in(language, viewname, slug)
        # Asked for in another language than the active one (an article's own language).
        assert reverse_slug(viewname, slug, language=language) == reversed_in(
            language, viewname, slug
        )


@settings(max_examples=60, deadline=None)
@given(slug=slug_text)
def test_any_slug_reads_as_reverse_quotes_it(slug):
    try:
        expected = reversed_in("ja", "articles:tag", slug)
    except NoReverseMatch:
        # Some letters are not `\w` to Python's regex: reverse_slug must refuse them too.
        with pytest.raises(NoReverseMatch):
            reverse_slug("articles:tag", slug, language="ja")
    else:
        assert reverse_slug("articles:tag", slug, language="ja") == expected


def test_a_script_prefix_is_part_of_the_address():
    assert reverse_slug("articles:tag", "energy") == "/tags/energy/"
    set_script_prefix("/news/")
    try:
        assert reverse_slug("articles:tag", "energy") == "/news/tags/energy/"
        assert reverse_slug("articles:tag", "energy", language="ru") == "/news/ru/tags/energy/"
    finally:
        clear_script_prefix()
    assert reverse_slug("articles:tag", "energy") == "/tags/energy/"


@pytest.mark.parametrize("slug", ["", "a/b", "a b", "x" * 221])
def test_a_value_that_is_no_slug_is_refused_as_reverse_refuses_it(slug):
    with pytest.raises(NoReverseMatch):
        reverse("articles:tag", kwargs={"slug": slug})
    with pytest.raises(NoReverseMatch):
        reverse_slug("articles:tag", slug)


def test_a_route_without_a_slug_is_refused():
    with pytest.raises(NoReverseMatch):
        reverse_slug("articles:list", "energy")


def test_kept_routes_follow_a_changed_urlconf():
    reverse_slug("articles:tag", "energy")
    assert any(kept.values for kept in Kept.everyone)
    with override_settings(LANGUAGE_CODE="en"):
        # A changed setting drops every kept route and copy.
        assert not any(kept.values for kept in Kept.everyone)


@pytest.mark.django_db
def test_models_link_to_their_pages_in_their_own_language():
    article = Article.objects.create(
        title="Рельсы", slug="рельсы", language="ru", body="Текст.", dek="Кратко."
    )
    with translation.override("ja"):
        assert article.get_absolute_url() == "/ru/articles/%D1%80%D0%B5%D0%BB%D1%8C%D1%81%D1%8B/"
        assert Tag(name="防災", slug="防災").get_absolute_url() == "/ja/tags/%E9%98%B2%E7%81%BD/"
        assert Country(slug="japan").get_absolute_url() == "/ja/countries/japan/"
        assert CooperationArea(slug="trade").get_absolute_url() == "/ja/areas/trade/"
