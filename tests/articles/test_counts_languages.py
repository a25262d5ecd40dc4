"""Each language's pages count that language's articles only, and no cached count, facet or
matrix computed for one language ever answers for another."""

import pytest
from django.utils import translation

from articles.counts import count_links, link_counts, tags_in_use
from articles.coverage import coverage_matrix
from articles.facets import Selection, facets_for, selection_facets
from articles.models import Article, Tag
from countries.models import Country
from tests.factories import make_area, make_article, make_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    kz = make_country("Kazakhstan", code="KZ")
    jp = make_country("Japan", code="JP", role=Country.Role.HOST)
    energy, trade = make_area("Energy", position=1), make_area("Trade", position=2)
    make_article("Grid", countries=[kz], areas=[energy], tags=["power"])
    make_article("Rail", countries=[kz, jp], areas=[trade], tags=["rail", "power"])
    ja = {"language": "ja"}
    make_article("Genpatsu", countries=[jp], areas=[energy], tags=["power", "nuclear"], **ja)
    make_article("Hatsuden", countries=[jp, kz], areas=[energy], tags=["power"], **ja)
    make_article("Soan", countries=[kz], areas=[trade], tags=["draft"], published=False, **ja)
    make_article("Uran", language="ru", countries=[kz], areas=[energy, trade], tags=["uranium"])
    return {"kz": kz, "jp": jp, "energy": energy, "trade": trade}


def country_counts(client, url: str) -> dict[str, int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return {country.slug: country.article_count for country in response.context["countries"]}


def cells(client, url: str) -> dict[tuple[str, str], int]:
    matrix = client.get(url).context["matrix"]
    return {
        (row.country.slug, cell.area.slug): cell.count for row in matrix.rows for cell in row.cells
    }


def test_a_japanese_article_counts_on_japanese_pages_only(client, desk):
    assert country_counts(client, "/countries/") == {"kazakhstan": 2, "japan": 1}
    assert country_counts(client, "/ja/countries/") == {"kazakhstan": 1, "japan": 2}
    assert country_counts(client, "/ru/countries/") == {"kazakhstan": 1, "japan": 0}
    areas = client.get("/ja/areas/").context["areas"]
    assert {area.slug: area.article_count for area in areas} == {"energy": 2, "trade": 0}


def test_the_coverage_matrix_counts_the_page_language(client, desk):
    assert cells(client, "/coverage/") == {
        ("kazakhstan", "energy"): 1,
        ("kazakhstan", "trade"): 1,
        ("japan", "energy"): 0,
        ("japan", "trade"): 1,
    }
    assert cells(client, "/ja/coverage/") == {
        ("kazakhstan", "energy"): 1,
        ("kazakhstan", "trade"): 0,  # a draft
        ("japan", "energy"): 2,
        ("japan", "trade"): 0,
    }
    matrix = client.get("/ru/coverage/").context["matrix"]
    assert matrix.covered == 2
    assert {row.country.slug: row.country.article_count for row in matrix.rows} == {
        "kazakhstan": 1,
        "japan": 0,
    }


def test_a_cells_link_lists_as_many_articles_in_its_language(client, desk):
    matrix = client.get("/ja/coverage/").context["matrix"]
    links = {cell.url: cell.count for row in matrix.rows for cell in row.cells if cell.count}
    assert "/ja/articles/?country=japan&area=energy" in links
    for url, count in links.items():
        assert client.get(url).context["paginator"].count == count, url


def test_facets_of_a_filtered_list_count_the_page_language(client, desk):
    def facets(url: str) -> dict[str, dict[str, int]]:
        found = client.get(url).context["facets"]
        return {
            kind: {option.label: option.count for option in getattr(found, kind)}
            for kind in ("countries", "areas", "tags")
        }

    assert facets("/ja/articles/?country=japan")["areas"] == {"Energy": 2}
    assert facets("/articles/?country=japan")["areas"] == {"Trade": 1}
    assert facets("/ja/tags/power/")["countries"] == {"Japan": 2, "Kazakhstan": 1}
    assert facets("/tags/power/")["countries"] == {"Kazakhstan": 2, "Japan": 1}
    assert facets("/ja/articles/?tag=power&country=japan")["tags"] == {"nuclear": 1}
    assert facets("/articles/?tag=power&country=japan")["tags"] == {"rail": 1}
    assert facets("/ru/articles/")["tags"] == {"uranium": 1}


def test_cached_facets_agree_with_counting_each_languages_matches(desk):
    power = Tag.objects.get(name="power")
    selections = [
        Selection(),
        Selection(country=desk["jp"]),
        Selection(area=desk["energy"]),
        Selection(tags=(power,)),
        Selection(tags=(power,), country=desk["kz"]),
    ]
    for language in ("en", "ja", "ru"):
        with translation.override(language):
            for selection in selections:
                matches = selection.apply(Article.objects.published().in_language())
                assert selection_facets(selection) == facets_for(selection, matches), (
                    language,
                    selection,
                )


def test_cached_counts_never_answer_for_another_language(client, settings, desk):
    # Each page read in one language, then in the other, then both again: the cached values
    # behind them (counts, facets, matrix) are shared within a language only. Without the page
    # cache in front, which would answer the second round from whole pages.
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    for _ in range(2):
        assert country_counts(client, "/countries/")["japan"] == 1
        assert country_counts(client, "/ja/countries/")["japan"] == 2
        assert cells(client, "/coverage/")[("japan", "energy")] == 0
        assert cells(client, "/ja/coverage/")[("japan", "energy")] == 2
        assert [tag.name for tag in client.get("/tags/").context["tags"]] == ["power", "rail"]
        assert [tag.name for tag in client.get("/ja/tags/").context["tags"]] == [
            "nuclear",
            "power",
        ]
    for language, expected in (("ja", 2), ("en", 1), ("ja", 2)):
        with translation.override(language):
            assert link_counts()["country"][desk["jp"].pk] == expected
            assert coverage_matrix().rows[1].country.article_count == expected


def test_a_write_in_one_language_changes_only_its_counts(client, desk):
    assert country_counts(client, "/countries/")["japan"] == 1
    assert country_counts(client, "/ja/countries/")["japan"] == 2
    make_article("Suiso", language="ja", countries=[desk["jp"]], tags=["hydrogen"])
    assert country_counts(client, "/countries/")["japan"] == 1
    assert country_counts(client, "/ja/countries/")["japan"] == 3
    assert "hydrogen" in {tag.name for tag in tags_in_use("ja")}
    assert "hydrogen" not in {tag.name for tag in tags_in_use("en")}


def test_counting_links_keeps_to_one_language_whatever_the_articles_given(desk):
    everything = Article.objects.published()
    assert count_links(everything, language="ja")["country"] == {
        desk["jp"].pk: 2,
        desk["kz"].pk: 1,
    }
    assert count_links(language="ru")["area"] == {desk["energy"].pk: 1, desk["trade"].pk: 1}
    with translation.override("ru"):
        assert count_links(everything) == count_links(language="ru")
