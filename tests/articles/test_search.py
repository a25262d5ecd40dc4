"""Full-text search: ranking, syntax, the index following edits, misspellings and the page."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article, SearchDocument, Tag, TaggedArticle
from articles.search import (
    MAX_QUERY_LENGTH,
    Phrase,
    highlight,
    parse_query,
    render_snippet,
    search,
    suggest,
    to_fts5,
)
from tests.factories import make_area, make_article, make_country, make_scheduled

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    return [article.title for article in search(text)]


# The query language -------------------------------------------------------------------


def test_words_phrases_alternatives_and_exclusions_are_parsed():
    query = parse_query('uranium "critical minerals" hydropower or solar -Russia -"gas deal"')
    assert query.required == (
        (Phrase(("uranium",)),),
        (Phrase(("critical", "minerals")),),
        (Phrase(("hydropower",)), Phrase(("solar",))),
    )
    assert query.excluded == (Phrase(("russia",)), Phrase(("gas", "deal")))
    assert query.words == ["uranium", "critical", "minerals", "hydropower", "solar"]


@pytest.mark.parametrize("text", ["", "   ", '"', "-", "or", "-Russia", "*** ((( )))", '""'])
def test_queries_without_a_word_to_find_are_empty(text):
    assert parse_query(text).is_empty


def test_fts5_expression_quotes_every_term_so_input_is_never_syntax():
    query = parse_query('NEAR(a b) title:x "unclosed -y')
    # Like PostgreSQL, punctuation inside a token joins its words into a phrase.
    assert to_fts5(query) == '("near a") AND ("b") AND ("title x") AND ("unclosed y")'


def test_snippets_are_escaped_and_marked():
    html = render_snippet("a <script>x</script> \ue000uranium\ue001 **bold** [link](https://e.x)")
    assert "<script" not in html
    assert "&lt;script" in html
    assert "<mark>uranium</mark>" in html
    assert "**" not in html and "https://e.x" not in html


# Ranking and matching ------------------------------------------------------------------


def test_title_match_ranks_above_body_only_match():
    make_article("Grid links", dek="Power lines.", body="Uranium. " * 60, days_ago=1)
    make_article("Uranium deal signed", dek="A contract.", body="Nothing more.", days_ago=40)
    assert found("uranium") == ["Uranium deal signed", "Grid links"]


def test_equal_matches_are_ordered_newest_first():
    for days in (9, 1, 5):
        make_article(f"Report {days}", dek="", body="Water talks in Tashkent.", days_ago=days)
    assert found("water") == ["Report 1", "Report 5", "Report 9"]


def test_english_stemming_matches_other_forms_of_a_word():
    make_article("Exporting power", body="The region exports electricity.")
    assert found("export") == ["Exporting power"]


def test_exact_phrase_needs_the_words_together():
    make_article("Together", body="Japan wants critical minerals from the region.")
    make_article("Apart", body="Minerals matter; the critical question is price.")
    assert found('"critical minerals"') == ["Together"]
    assert set(found("critical minerals")) == {"Together", "Apart"}


def test_or_finds_either_word_and_minus_excludes_one():
    make_article("Solar plans", body="Solar parks in the steppe.")
    make_article("Hydro plans", body="Hydropower on the Naryn with Russia involved.")
    make_article("Coal plans", body="Coal plants.")
    assert set(found("solar or hydropower")) == {"Solar plans", "Hydro plans"}
    assert found("plans -russia -coal") == ["Solar plans"]
    assert set(found('plans -"russia involved"')) == {"Solar plans", "Coal plans"}


def test_tags_countries_and_areas_are_searchable():
    kz = make_country("Kazakhstan")
    energy = make_area("Energy security")
    make_article("Steppe story", body="Nothing to see.", countries=[kz], areas=[energy])
    make_article("Tagged story", body="Nothing to see.", tags=["Middle Corridor"])
    assert found("kazakhstan") == ["Steppe story"]
    assert found("security") == ["Steppe story"]
    assert found('"middle corridor"') == ["Tagged story"]


def test_drafts_and_scheduled_articles_are_never_found():
    make_article("Uranium draft", published=False, body="uranium")
    make_scheduled("Uranium embargoed", body="uranium")
    make_article("Uranium public", body="uranium")
    assert found("uranium") == ["Uranium public"]


# The index follows every change --------------------------------------------------------


def test_index_follows_edits_of_title_and_body():
    article = make_article("Old headline", dek="", body="Old text.")
    article.title = "Fresh headline"
    article.body = "Pipeline news."
    article.save()
    assert found("fresh") == ["Fresh headline"]
    assert found("pipeline") == ["Fresh headline"]
    assert found("old") == []


def test_index_follows_tags_added_removed_and_cleared():
    article = make_article("Quiet piece", body="Nothing.")
    article.tags.add("Hydrogen")
    assert found("hydrogen") == ["Quiet piece"]
    article.tags.remove("Hydrogen")
    assert found("hydrogen") == []
    article.tags.set(["Ammonia"])
    article.tags.clear()
    assert found("ammonia") == []


def test_index_follows_countries_and_areas_from_either_side():
    uz = make_country("Uzbekistan")
    water = make_area("Water")
    article = make_article("Quiet piece", body="Nothing.")
    article.countries.add(uz)
    assert found("uzbekistan") == ["Quiet piece"]
    uz.articles.remove(article)
    assert found("uzbekistan") == []
    water.articles.add(article)
    assert found("water") == ["Quiet piece"]
    water.articles.clear()
    assert found("water") == []


def test_renaming_a_tag_country_or_area_reindexes_its_articles():
    tj = make_country("Tajikistan")
    area = make_area("Health")
    make_article("Quiet piece", body="Nothing.", countries=[tj], areas=[area], tags=["Rogun"])
    tag = Tag.objects.get(name="Rogun")
    tag.name = "Hydropower dam"
    tag.save()
    tj.name = "Tojikiston"
    tj.save()
    area.name = "Medicine"
    area.save()
    assert found("rogun") == []
    assert found("dam") == found("tojikiston") == found("medicine") == ["Quiet piece"]


def test_moving_and_deleting_tag_links_directly_reindexes():
    article = make_article("Quiet piece", body="Nothing.", tags=["Caspian"])
    target = Tag.objects.create(name="Trans-Caspian")
    link = TaggedArticle.objects.get(content_object=article)
    # A tag merge moves links by saving them, with no many-to-many signal.
    link.tag = target
    link.save(update_fields=["tag"])
    assert found("trans") == ["Quiet piece"]
    link.delete()
    assert found("trans") == []


def test_deleting_a_tag_reindexes_its_articles():
    make_article("Quiet piece", body="Nothing.", tags=["Aral"])
    Tag.objects.get(name="Aral").delete()
    assert found("aral") == []


def test_deleting_an_article_removes_its_index_entry():
    article = make_article("Short-lived", body="Ephemeral.", tags=["gone"])
    pk = article.pk
    article.delete()
    if connection.vendor == "postgresql":
        assert not SearchDocument.objects.filter(article_id=pk).exists()
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM articles_search WHERE rowid = %s", [pk])
            assert cursor.fetchone()[0] == 0


# Database specifics --------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_document_weighs_title_highest_and_is_gin_indexed():
    kz = make_country("Kazakhstan")
    article = make_article(
        "Uranium", dek="Standfirst words", body="Body words", countries=[kz], tags=["Nuclear"]
    )
    vector = SearchDocument.objects.get(article=article).vector
    assert re.search(r"'uranium':\d+A", vector)
    assert re.search(r"'standfirst':\d+B", vector)
    assert re.search(r"'nuclear':\d+B", vector)
    assert re.search(r"'kazakhstan':\d+C", vector)
    assert re.search(r"'bodi':\d+(\s|,|$)", vector)  # English stemming; D carries no letter
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'articles_searchdocument'"
        )
        assert any("gin (vector, " in row[0] for row in cursor.fetchall())
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)


@pytest.mark.postgres
def test_postgres_snippet_marks_every_form_of_the_words_and_no_stop_word():
    article = make_article(
        "Grid", body="The region exports power. Exported electricity is the main trade."
    )
    highlight([article], "the exports", "en")
    assert article.snippet == (
        "The region <mark>exports</mark> power. <mark>Exported</mark> electricity is the main"
        " trade."
    )


@pytest.mark.postgres
def test_postgres_websearch_phrase_and_exclusion():
    make_article("Corridor A", body="The middle corridor carries freight.")
    make_article("Corridor B", body="Middle powers and a corridor of power.")
    make_article("Corridor C", body="The middle corridor avoids Russia.")
    assert set(found('"middle corridor"')) == {"Corridor A", "Corridor C"}
    assert found('"middle corridor" -russia') == ["Corridor A"]


@pytest.mark.postgres
def test_postgres_suggests_words_from_published_titles():
    make_article("Hydropower cascade on the Naryn", body="x")
    make_article("Zeravshan secret", published=False, body="x")
    assert suggest("hydropwer") == "hydropower"
    assert suggest("Zeravshn") is None


@pytest.mark.sqlite
def test_sqlite_fallback_keeps_an_fts5_table_in_step():
    make_article("One", body="alpha")
    make_article("Two", body="beta")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_search'")
        assert "fts5" in cursor.fetchone()[0].lower()
        cursor.execute("SELECT count(*) FROM articles_search")
        assert cursor.fetchone()[0] == Article.objects.count()
    assert found("alpha") == ["One"]


# Misspellings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Kazakstan", "Kazakhstan"), ("Kyrgystan", "Kyrgyzstan"), ("Turkmenstan", "Turkmenistan")],
)
def test_misspelled_country_names_are_respelled(typed, meant):
    country = make_country(meant)
    make_article("Any story", body="Nothing.", countries=[country])
    assert suggest(typed) == meant
    assert suggest(f"{typed.lower()} energy") == f"{meant.lower()} energy"


def test_correct_or_unknown_words_get_no_suggestion():
    make_article("Uranium", body="x", countries=[make_country("Kazakhstan")])
    assert suggest("uranium") is None
    assert suggest("xylophone") is None


# The page ------------------------------------------------------------------------------


def test_search_page_lists_ranked_results_with_highlighted_snippets(client):
    make_article("Uranium deal", body="Kazakhstan sells <b>uranium</b> to Japan.", days_ago=3)
    make_article("Grid news", body="Some uranium too.", days_ago=1)
    response = client.get(reverse("articles:search"), {"q": "uranium"})
    assert response.status_code == 200
    assert [a.title for a in response.context["articles"]] == ["Uranium deal", "Grid news"]
    assert b"<mark>uranium</mark>" in response.content
    assert b"sells <b>" not in response.content  # the body's own HTML is never passed through
    assert b"2 results" in response.content
    assert b'name="robots" content="noindex' in response.content


def test_empty_search_shows_help_not_an_error(client):
    response = client.get(reverse("articles:search"))
    assert response.status_code == 200
    assert b"How to search" in response.content
    only_exclusions = client.get(reverse("articles:search"), {"q": "-russia"})
    assert only_exclusions.status_code == 200
    assert b"Add at least one word" in only_exclusions.content


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "\x01\x02 uranium",
        '"',
        "title:x OR NEAR(a b) * ^ {}",
        "' OR 1=1 --",
        "日本 中央アジア",
        "a " * 99,
    ],
)
def test_hostile_queries_are_answered_and_never_reflected_unescaped(client, query):
    make_article("Uranium deal", body="uranium")
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    assert b"<script>alert" not in response.content
    assert b"<img src=x" not in response.content


def test_overlong_query_is_a_bad_request_with_the_site_page(client):
    response = client.get(reverse("articles:search"), {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    assert b"Bad request" in response.content


def test_bad_page_number_is_a_404(client):
    make_article("Uranium deal", body="uranium")
    assert client.get(reverse("articles:search"), {"q": "uranium", "page": "x"}).status_code == 404
    assert client.get(reverse("articles:search"), {"q": "uranium", "page": 9}).status_code == 404


def test_results_are_narrowed_by_facets_and_facet_links_keep_the_query(client):
    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan")
    energy = make_area("Energy")
    make_article("Uranium in Kazakhstan", countries=[kz], areas=[energy], tags=["mining"])
    make_article("Uranium in Uzbekistan", countries=[uz], tags=["mining"])
    make_article("Cotton", countries=[uz])
    response = client.get(reverse("articles:search"), {"q": "uranium", "country": "kazakhstan"})
    assert [a.title for a in response.context["articles"]] == ["Uranium in Kazakhstan"]
    facets = response.context["facets"]
    assert [(o.label, o.count) for o in facets.areas] == [("Energy", 1)]
    assert all(o.url.startswith("/search/?q=uranium&") for o in facets.areas + facets.tags)
    unfiltered = client.get(reverse("articles:search"), {"q": "uranium"})
    assert {o.label: o.count for o in unfiltered.context["facets"].countries} == {
        "Kazakhstan": 1,
        "Uzbekistan": 1,
    }
    assert client.get(reverse("articles:search"), {"q": "x", "tag": "nope"}).status_code == 404


def test_misspelling_offers_did_you_mean_and_shows_its_results(client):
    kz = make_country("Kazakhstan")
    make_article("Steppe power", body="Wind farms.", countries=[kz])
    response = client.get(reverse("articles:search"), {"q": "Kazakstan"})
    assert response.status_code == 200
    assert response.context["suggestion"] == "Kazakhstan"
    assert [a.title for a in response.context["articles"]] == ["Steppe power"]
    assert b"Did you mean" in response.content
    assert b'href="/search/?q=Kazakhstan"' in response.content


def test_header_has_a_labelled_search_form(client):
    response = client.get(reverse("home"))
    assert b'<form class="site-search" role="search" action="/search/" method="get">' in (
        response.content
    )
    assert b'<label class="visually-hidden" for="site-search-q">' in response.content


def test_search_page_query_count_stays_bounded(client, settings, django_assert_max_num_queries):
    settings.ARTICLES_PER_PAGE = 5
    kz = make_country("Kazakhstan")
    energy = make_area("Energy")
    for number in range(30):
        make_article(
            f"Uranium story {number}", countries=[kz], areas=[energy], tags=["mining", f"t{number}"]
        )
    params = {"q": "uranium", "country": "kazakhstan", "area": "energy", "tag": "mining"}
    # What is read once per content generation (the countries and areas, the next scheduled
    # change) is read by the first request after the writes above; the budget is per search.
    client.get(reverse("articles:search"), {"q": "steppe"})
    with django_assert_max_num_queries(12):
        response = client.get(reverse("articles:search"), {**params, "page": 2})
    assert len(response.context["articles"]) == 5
    with django_assert_max_num_queries(12):
        response = client.get(reverse("articles:search"), {**params, "q": "Kazakstan"})
    assert response.context["suggestion"] == "Kazakhstan"


def test_respellings_that_only_drafts_would_match_are_not_offered(client):
    make_article("Zeravshan valley", tags=["Zeravshan"], published=False, body="x")
    response = client.get(reverse("articles:search"), {"q": "Zeravshn"})
    assert response.status_code == 200
    assert response.context["suggestion"] is None
    assert b"Zeravshan" not in response.content


def test_snippets_drop_markdown_table_and_link_punctuation():
    from articles.search import MARK_END, MARK_START, render_snippet

    raw = (
        "gas revenue | | Kyrgyzstan | |---|:---:| Vehicles west; "
        f"{MARK_START}hydropower{MARK_END} [dam](https://example.org)"
    )
    assert render_snippet(raw) == (
        "gas revenue Kyrgyzstan Vehicles west; <mark>hydropower</mark> dam"
    )


def test_english_snippet_reads_no_further_than_it_shows():
    from articles.search import EXCERPT_AFTER, excerpt
    from articles.search_backends import postgres

    words = ["Exports of power grew."] + ["Filler words about nothing much."] * 200
    body = " ".join([*words, "Power exports again, far beyond the snippet."])
    lexemes = {"export", "power"}
    every_span = [
        match.span()
        for match in postgres._WORD.finditer(body)
        if postgres.english_stem(match.group(0)) in lexemes
    ]
    spans = postgres.english_spans(body, lexemes)
    # The same snippet as from every match in the body…
    assert excerpt(body, spans) == excerpt(body, every_span)
    assert excerpt(body, spans).startswith("\ue000Exports\ue001 of \ue000power\ue001 grew.")
    # …from the matches up to where the snippet ends.
    assert spans == [span for span in every_span if span[0] < every_span[0][1] + EXCERPT_AFTER]
    assert len(spans) == 2 < len(every_span)
    # A body with no match is read to its end and gives its opening.
    assert postgres.english_spans("Nothing here matches.", lexemes) == []
