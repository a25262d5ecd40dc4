from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import make_area, make_article, make_country, make_scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    kz = make_country("Kazakhstan", capital="Astana")
    uz = make_country("Uzbekistan", capital="Tashkent")
    energy = make_area("Energy")
    trade = make_area("Trade")
    return {
        "kz": kz,
        "uz": uz,
        "energy": energy,
        "trade": trade,
        "uranium": make_article(
            "Uranium deal", countries=[kz], areas=[energy], tags=["uranium", "JICA"], days_ago=1
        ),
        "grid": make_article(
            "Grid links", countries=[kz, uz], areas=[energy], tags=["JICA"], days_ago=2
        ),
        "cotton": make_article("Cotton trade", countries=[uz], areas=[trade], days_ago=3),
        "draft": make_article(
            "Secret draft",
            countries=[kz],
            areas=[energy],
            tags=["uranium", "leak"],
            published=False,
        ),
        "scheduled": make_scheduled(
            "Embargoed scoop", countries=[kz], areas=[energy], tags=["uranium", "leak"]
        ),
    }


def titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


def test_list_shows_published_articles_newest_first(client, newsroom):
    response = client.get(reverse("articles:list"))
    assert response.status_code == 200
    assert titles(response) == ["Uranium deal", "Grid links", "Cotton trade"]
    assert b"Secret draft" not in response.content
    assert b"Embargoed scoop" not in response.content


def test_list_is_paginated(client, settings, newsroom):
    for number in range(settings.ARTICLES_PER_PAGE):
        make_article(f"Filler {number}", days_ago=10 + number)
    first = client.get(reverse("articles:list"))
    second = client.get(reverse("articles:list"), {"page": 2})
    assert len(titles(first)) == settings.ARTICLES_PER_PAGE
    assert titles(second) == ["Filler 9", "Filler 10", "Filler 11"]
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "1.5", "9" * 40])
def test_malformed_or_out_of_range_page_is_a_404(client, newsroom, page):
    response = client.get(reverse("articles:list") + f"?page={page}")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("query", ["?page=%00", "?tag=%00", "?country=energy%00"])
def test_a_nul_in_a_list_parameter_is_a_bad_request(client, newsroom, query):
    response = client.get(reverse("articles:list") + query)
    assert response.status_code == 400
    assert b"Bad request" in response.content


def test_filter_by_tag_country_and_area_combine(client, newsroom):
    url = reverse("articles:list")
    assert titles(client.get(url, {"tag": "jica"})) == ["Uranium deal", "Grid links"]
    assert titles(client.get(url, {"country": "uzbekistan"})) == ["Grid links", "Cotton trade"]
    assert titles(client.get(url, {"area": "energy", "country": "uzbekistan"})) == ["Grid links"]
    assert titles(client.get(url, {"tag": ["jica", "uranium"]})) == ["Uranium deal"]
    assert titles(client.get(url, {"tag": "jica", "area": "trade"})) == []


def test_active_filters_are_shown_with_links_that_remove_them(client, newsroom):
    response = client.get(
        reverse("articles:list"), {"tag": ["jica", "uranium"], "country": "kazakhstan"}
    )
    filters = {f.label: f.remove_url for f in response.context["active_filters"]}
    assert filters["Kazakhstan"] == "/articles/?tag=jica&tag=uranium"
    assert filters["JICA"] == "/articles/?tag=uranium&country=kazakhstan"
    assert "Remove filter Country: Kazakhstan" in response.content.decode()


def test_facet_counts_cover_only_the_current_result_and_published_articles(client, newsroom):
    response = client.get(reverse("articles:list"), {"area": "energy"})
    facets = response.context["facets"]
    assert {(o.label, o.count) for o in facets.countries} == {("Kazakhstan", 2), ("Uzbekistan", 1)}
    assert {(o.label, o.count) for o in facets.tags} == {("JICA", 2), ("uranium", 1)}
    assert facets.areas == []  # the area is already chosen
    uz_option = next(o for o in facets.countries if o.label == "Uzbekistan")
    assert uz_option.url == "/articles/?country=uzbekistan&area=energy"
    assert "leak" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"tag": "no-such-tag"},
        {"country": "atlantis"},
        {"area": "space-race"},
        {"tag": "<script>alert(1)</script>"},
        {"country": "x" * 5000},
        {"area": "energy' OR 1=1 --"},
    ],
)
def test_unknown_or_hostile_facet_values_are_a_404_that_reflects_nothing(client, newsroom, query):
    response = client.get(reverse("articles:list"), query)
    assert response.status_code == 404
    assert b"<script>alert" not in response.content
    assert b"Page not found" in response.content


def test_too_many_tags_or_repeated_country_is_a_400(client, newsroom):
    url = reverse("articles:list")
    assert client.get(url, {"tag": [f"t{n}" for n in range(7)]}).status_code == 400
    response = client.get(url, {"country": ["kazakhstan", "uzbekistan"]})
    assert response.status_code == 400
    assert b"Bad request" in response.content


def test_a_draft_tag_stays_hidden(client, newsroom):
    assert client.get(reverse("articles:tag", kwargs={"slug": "leak"})).status_code == 404
    # The facet treats it as unknown too, rather than answering an empty list under its name.
    assert client.get(reverse("articles:list"), {"tag": "leak"}).status_code == 404


def test_article_page_shows_everything_a_reader_needs(client, newsroom):
    article = newsroom["grid"]
    article.byline = "Aigerim Sadykova"
    article.body = "## Power lines\n\n" + "word " * 500
    article.save()
    response = client.get(article.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="article-title">Grid links</h1>' in page
    assert "Standfirst of Grid links" in page
    assert "By Aigerim Sadykova" in page
    assert "3 min read" in page
    assert "<h2>Power lines</h2>" in page
    assert 'href="/tags/jica/"' in page
    assert 'href="/countries/kazakhstan/"' in page
    assert 'href="/areas/energy/"' in page
    assert [a.title for a in response.context["related_articles"]] == [
        "Uranium deal",
        "Cotton trade",
    ]


def test_article_page_escapes_title_and_sanitises_body(client):
    article = make_article(
        '<img src=x onerror="alert(1)"> headline', body="<script>alert(2)</script>ok"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=" in page
    assert "<script>alert(2)" not in page


@pytest.mark.parametrize("key", ["draft", "scheduled"])
def test_drafts_and_scheduled_articles_have_no_page(client, newsroom, key):
    assert client.get(newsroom[key].get_absolute_url()).status_code == 404


def test_unknown_article_slug_is_a_404(client, db):
    assert client.get("/articles/no-such-story/").status_code == 404


def test_absurdly_long_path_is_a_404(client, db):
    assert client.get("/articles/" + "a" * 5000 + "/").status_code == 404
    assert client.get("/tags/" + "b" * 300 + "/").status_code == 404


def test_tag_list_counts_published_articles_only(client, newsroom):
    response = client.get(reverse("articles:tag_list"))
    counts = {tag.name: tag.article_count for tag in response.context["tags"]}
    assert counts == {"JICA": 2, "uranium": 1}


def test_tag_page_lists_its_articles_and_offers_country_facets(client, newsroom):
    response = client.get(reverse("articles:tag", kwargs={"slug": "jica"}))
    assert response.status_code == 200
    assert titles(response) == ["Uranium deal", "Grid links"]
    urls = [o.url for o in response.context["facets"].countries]
    assert "/articles/?tag=jica&country=kazakhstan" in urls


def test_unicode_tag_has_a_working_page(client):
    make_article("Drills", tags=["防災"])
    response = client.get("/tags/" + quote("防災") + "/")
    assert response.status_code == 200
    assert "防災" in response.content.decode()
