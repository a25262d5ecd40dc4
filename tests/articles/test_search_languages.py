"""Search per language (issue #14): each page finds its own language's articles only, Russian
by roots, Japanese by substrings of two characters or more, on PostgreSQL and SQLite."""

import importlib
import random
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles import search
from articles.models import Article, SearchDocument
from articles.search_backends import postgres as postgres_search
from tests.articles.test_query_plans import explain, seq_scans_on_articles
from tests.factories import make_article, make_country

pytestmark = pytest.mark.django_db

SUMMIT_JA = "首脳会議が東京で開かれ、中央アジアの五か国が参加した。"
SUMMIT_RU = "Саммит в Астане: лидеры обсудили транзит и воду."


def search_url(language: str) -> str:
    with translation.override(language):
        return reverse("articles:search")


def titles(client, language: str, query: str) -> list[str]:
    response = client.get(search_url(language), {"q": query})
    assert response.status_code == 200
    return [article.title for article in response.context["articles"]]


def found(text: str, language: str) -> list[str]:
    results = search.search(text, language)
    return [article.title for article in results]


@pytest.fixture
def newsroom():
    """The same story in three languages, and the word 会議 in every one of them."""
    make_article(
        "Leaders meet in Tokyo",
        body="The summit (会議) in Tokyo exports a plan; leaders met in Astana before.",
    )
    make_article("Встреча в Токио", language="ru", body=f"Саммит (会議) в Токио. {SUMMIT_RU}")
    make_article("東京で五か国と協議", language="ja", body=SUMMIT_JA, dek="中央アジアとの対話")


# Japanese ------------------------------------------------------------------------------


def test_japanese_page_finds_a_two_character_word_inside_a_sentence(client, newsroom):
    response = client.get(search_url("ja"), {"q": "会議"})
    assert response.status_code == 200
    assert [a.title for a in response.context["articles"]] == ["東京で五か国と協議"]
    assert "<mark>会議</mark>" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["首脳会議", "脳会議", "東京で開", "中央アジア", "アジ", "五か国", "会議 東京", "東京 or 大阪"],
)
def test_japanese_words_of_any_length_match_as_substrings(newsroom, query):
    assert found(query, "ja") == ["東京で五か国と協議"]


@pytest.mark.parametrize("query", ["会談", "大阪", "会議 -東京", "議会", "京都"])
def test_japanese_words_that_are_not_in_the_text_find_nothing(newsroom, query):
    assert found(query, "ja") == []


def test_japanese_single_character_is_answered(client, newsroom):
    assert titles(client, "ja", "議") == ["東京で五か国と協議"]
    assert titles(client, "ja", "京") == ["東京で五か国と協議"]


def test_japanese_title_match_ranks_above_body_only_match():
    make_article("報告", language="ja", body="首脳会議が開かれた。" * 20, days_ago=1)
    make_article("首脳会議の成果", language="ja", body="成果をまとめた。", days_ago=30)
    assert found("会議", "ja") == ["首脳会議の成果", "報告"]
    assert found("首脳会議", "ja") == ["首脳会議の成果", "報告"]


def test_japanese_search_reads_latin_words_and_tags_too():
    make_article("G7サミットの報告", language="ja", body="ASEANとの協議。", tags=["エネルギー"])
    assert found("g7", "ja") == found("asean", "ja") == ["G7サミットの報告"]
    assert found("ネル", "ja") == ["G7サミットの報告"]


def test_japanese_page_offers_no_respelling(client, newsroom):
    response = client.get(search_url("ja"), {"q": "首脳会義"})
    assert response.status_code == 200
    assert response.context["suggestion"] is None


# Russian -------------------------------------------------------------------------------


def test_russian_page_finds_inflected_forms(client, newsroom):
    make_article("Итоги саммита", language="ru", body="Лидеры подвели итоги.", days_ago=3)
    make_article("Дорога", language="ru", body="Лидеры долго спорили на саммите.", days_ago=5)
    expected = ["Итоги саммита", "Встреча в Токио", "Дорога"]
    assert titles(client, "ru", "саммита") == expected
    assert titles(client, "ru", "саммит") == expected
    assert titles(client, "ru", "саммите") == expected
    assert titles(client, "ru", "Астана") == ["Встреча в Токио"]


def test_russian_phrase_and_exclusion_work_on_roots(newsroom):
    make_article("Другое", language="ru", body="Саммит прошёл в Бишкеке, вода обсуждалась.")
    assert found('"саммита в Астане"', "ru") == ["Встреча в Токио"]
    assert found("саммит -Астана", "ru") == ["Другое"]


def test_russian_snippet_marks_the_forms_found(client, newsroom):
    response = client.get(search_url("ru"), {"q": "саммита"})
    assert "<mark>" in response.content.decode()


def test_russian_page_respells_russian_names(client):
    kz = make_country("Kazakhstan", name_ru="Казахстан")
    make_article("Степь", language="ru", body="Ничего.", countries=[kz])
    response = client.get(search_url("ru"), {"q": "Казахтан"})
    assert response.context["suggestion"] == "Казахстан"
    assert [a.title for a in response.context["articles"]] == ["Степь"]


def test_country_names_are_indexed_in_the_article_language():
    kz = make_country("Kazakhstan", name_ru="Казахстан", name_ja="カザフスタン")
    make_article("Степь", language="ru", body="Ничего.", countries=[kz])
    make_article("草原", language="ja", body="なし。", countries=[kz])
    assert found("Казахстана", "ru") == ["Степь"]
    assert found("カザフ", "ja") == ["草原"]


# English and the separation of languages ----------------------------------------------


def test_english_page_lists_english_articles_only(client, newsroom):
    assert titles(client, "en", "会議") == ["Leaders meet in Tokyo"]
    assert titles(client, "en", "Astana") == ["Leaders meet in Tokyo"]
    assert titles(client, "ru", "Tokyo") == []
    assert titles(client, "ja", "tokyo") == []


def test_english_stemming_still_works(client, newsroom):
    assert titles(client, "en", "export") == ["Leaders meet in Tokyo"]
    assert titles(client, "en", "meeting") == ["Leaders meet in Tokyo"]


def test_search_defaults_to_the_active_language(newsroom):
    with translation.override("ja"):
        assert [a.title for a in search.search("会議")] == ["東京で五か国と協議"]
    assert [a.title for a in search.search("会議")] == ["Leaders meet in Tokyo"]


def test_index_follows_a_change_of_language():
    article = make_article("会議の報告", body="首脳会議が開かれた。")
    assert found("会議", "ja") == []
    article.language = "ja"
    article.save()
    assert found("会議", "ja") == ["会議の報告"]
    assert found("会議", "en") == []


def test_drafts_are_never_found_in_any_language():
    make_article("会議の下書き", language="ja", body=SUMMIT_JA, published=False)
    make_article("Черновик", language="ru", body=SUMMIT_RU, published=False)
    assert found("会議", "ja") == found("саммит", "ru") == []


@pytest.mark.parametrize("language", ["en", "ja", "ru"])
@pytest.mark.parametrize(
    "query",
    [
        "a",
        "会",
        "я",
        '"',
        "-会議",
        '"会議',
        "%_\\",
        "' OR 1=1 --",
        "会議 or or -",
        "<script>alert(1)</script>",
        "NEAR(会議 東京) title:x * ^",
        "会議" * 60,
    ],
)
def test_short_and_hostile_queries_are_answered_in_every_language(
    client, newsroom, language, query
):
    response = client.get(search_url(language), {"q": query})
    assert response.status_code == 200
    assert b"<script>alert" not in response.content


@pytest.mark.parametrize("language", ["en", "ja", "ru"])
def test_overlong_query_is_a_bad_request_in_every_language(client, language):
    response = client.get(search_url(language), {"q": "会" * (search.MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400


@pytest.mark.parametrize(("language", "query"), [("ja", "会議"), ("ru", "саммита")])
def test_search_page_query_count_stays_bounded(
    client, settings, django_assert_max_num_queries, language, query
):
    settings.ARTICLES_PER_PAGE = 5
    kz = make_country("Kazakhstan", name_ru="Казахстан", name_ja="カザフスタン")
    body = SUMMIT_JA if language == "ja" else SUMMIT_RU
    for number in range(12):
        make_article(f"{number}", language=language, body=body, countries=[kz], tags=["t"])
    with django_assert_max_num_queries(12):
        response = client.get(search_url(language), {"q": query, "page": 2})
    assert len(response.context["articles"]) == 5


# Database specifics ---------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_documents_are_built_for_their_language(newsroom):
    vectors = dict(SearchDocument.objects.values_list("article__language", "vector"))
    assert re.search(r"'export':\d+", vectors["en"])
    assert re.search(r"'самм':\d+", vectors["ru"])  # саммит and саммите alike
    assert "'саммит'" not in vectors["ru"]
    assert re.search(r"'会議':\d+(,|\s|$)", vectors["ja"])
    assert re.search(r"'協議':\d+A", vectors["ja"])  # the title's bigrams weigh most


@pytest.mark.postgres
def test_postgres_and_python_agree_on_japanese_words_and_case():
    fullwidth = (
        "\uff27\uff17 \uff21\uff33\uff25\uff21\uff2e \uff11\uff12"  # fullwidth G7, ASEAN, 12
    )
    text = f"首脳会議ー々〆ヶ、「{fullwidth}」G7サミット・ASEAN_x Привет ÉTÉ"
    with connection.cursor() as cursor:
        cursor.execute("SELECT regexp_split_to_array(lower(%s), '\\W+')", [text])
        database_words = [word for word in cursor.fetchone()[0] if word]
    assert database_words == re.findall(r"\w+", text.lower())


@pytest.mark.postgres
def test_postgres_migration_builds_the_documents_the_backend_builds(newsroom):
    migration = importlib.import_module("articles.migrations.0012_search_languages")
    before = dict(SearchDocument.objects.values_list("article_id", "vector"))
    with connection.cursor() as cursor:
        SearchDocument.objects.all().delete()
        cursor.execute(migration.POSTGRES_FORWARDS[-1])  # non-English documents
        search.reindex(Article.objects.filter(language="en").values_list("pk", flat=True))
    assert dict(SearchDocument.objects.values_list("article_id", "vector")) == before


@pytest.mark.postgres
def test_postgres_searches_in_other_languages_never_scan_articles(client, settings, monkeypatch):
    """Japanese and Russian searches use the GIN index, as English ones do
    (tests/articles/test_query_plans.py), at a size where a scan would look cheap."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("PageCacheMiddleware")]
    # The newest 10,000 of 100,000 are searched first: the same share of these 1,000 each.
    monkeypatch.setattr(postgres_search, "RECENT_DOCUMENTS", 100)
    rng = random.Random(14)
    japanese = [chr(0x4E00 + n) for n in range(400)]
    russian = ["слово", "город", "дорога", "вода", "газ", "нефть", "поезд", "порт", "рынок"]
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Story {n}",
            slug=f"story-{n}",
            language=("en", "ja", "ru")[n % 3],
            body=(
                "".join(rng.choice(japanese) for _ in range(200))
                if n % 3 == 1
                else " ".join(rng.choice(russian) for _ in range(60))
            )
            + (" 首脳会議 саммита" if n % 50 == 0 else ""),
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(hours=n),
        )
        for n in range(3000)
    )
    search.reindex([article.pk for article in articles])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for language, query in (("ja", "会議"), ("ja", "首脳会議"), ("ru", "саммит")):
        url = search_url(language)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"q": query})
        assert response.status_code == 200
        assert response.context["paginator"].count == 20
        for captured in queries.captured_queries:
            sql = captured["sql"]
            if "articles_article" in sql and sql.lstrip().upper().startswith("SELECT"):
                assert not list(seq_scans_on_articles(explain(sql))), (url, sql)


@pytest.mark.sqlite
def test_sqlite_keeps_japanese_in_a_trigram_table_and_russian_as_roots(newsroom):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_search_ja'")
        assert "trigram" in cursor.fetchone()[0]
        cursor.execute("SELECT title FROM articles_search_ja")
        assert cursor.fetchall() == [("東京で五か国と協議",)]
        cursor.execute("SELECT body FROM articles_search WHERE title LIKE 'встреч%'")
        assert "самм" in cursor.fetchone()[0].split()


@pytest.mark.sqlite
def test_sqlite_deleting_a_japanese_article_removes_its_row(newsroom):
    Article.objects.get(language="ja").delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_search_ja")
        assert cursor.fetchone()[0] == 0
