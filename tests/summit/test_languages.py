# ruff: noqa: RUF001 — the titles are in Russian and Japanese on purpose.
"""Languages: addresses, negotiation at the root, the switcher, hreflang and per-language pages."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.models import Article
from tests.factories import make_area, make_article, make_country, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    """An English original with a Japanese translation (no Russian one)."""
    kazakhstan = make_country("Kazakhstan", slug="kazakhstan", name_ja="カザフスタン")
    energy = make_area("Energy", slug="energy")
    original = make_article(
        "Japan and Kazakhstan sign an energy pact",
        slug="energy-pact",
        countries=[kazakhstan],
        areas=[energy],
    )
    japanese = make_article(
        "日本とカザフスタンがエネルギー協定に署名",
        slug="エネルギー協定",
        language="ja",
        translation_of=original,
        countries=[kazakhstan],
        areas=[energy],
    )
    return original, japanese


def switcher_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    return {
        code: href.replace("&amp;", "&")
        for href, code in re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', nav)
    }


def test_addresses_carry_the_language(client, story):
    english = client.get("/")
    japanese = client.get("/ja/")
    russian = client.get("/ru/")
    assert english.status_code == japanese.status_code == russian.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="ja">' in japanese.content.decode()
    assert japanese["Content-Language"] == "ja"
    assert russian["Content-Language"] == "ru"
    assert client.get("/fr/").status_code == 404


def test_root_follows_the_browser_then_the_saved_choice(client):
    sent = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert sent.status_code == 302
    assert sent["Location"] == "/ru/"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in sent["Vary"].split(",")}
    assert "private" in sent["Cache-Control"]

    campaign = client.get("/?utm_source=mail", HTTP_ACCEPT_LANGUAGE="ja")
    assert campaign["Location"] == "/ja/?utm_source=mail"

    client.cookies["django_language"] = "en"
    kept = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert kept.status_code == 200
    assert "Accept-Language" in kept["Vary"]

    client.cookies["django_language"] = "ja"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/ja/"


def test_only_the_root_negotiates(client, story):
    """A deeper English address is English for everyone (the address decides)."""
    response = client.get("/articles/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_choosing_a_language_saves_it_and_goes_on(client):
    response = client.get("/language/ja/", {"next": "/ja/articles/"})
    assert response.status_code == 302
    assert response["Location"] == "/ja/articles/"
    assert response.cookies["django_language"].value == "ja"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/ja/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:1"])
def test_choosing_a_language_never_leaves_the_site(client, target):
    response = client.get("/language/ru/", {"next": target})
    assert response["Location"] == "/ru/"


def test_unknown_language_choice_falls_back_to_english(client):
    response = client.get("/language/xx/", {"next": "/"})
    assert response.cookies["django_language"].value == "en"


def test_lists_show_their_own_language(client, story):
    original, japanese = story
    english_list = client.get("/articles/").content.decode()
    japanese_list = client.get("/ja/articles/").content.decode()
    assert original.title in english_list and japanese.title not in english_list
    assert japanese.title in japanese_list and original.title not in japanese_list
    assert japanese.title not in client.get("/ru/").content.decode()
    assert japanese.title in client.get("/ja/countries/kazakhstan/").content.decode()
    assert japanese.title not in client.get("/countries/kazakhstan/").content.decode()


def test_country_names_follow_the_page_language(client, story):
    assert "カザフスタン" in client.get("/ja/countries/kazakhstan/").content.decode()
    # No Russian name yet: the English one stands in.
    assert "Kazakhstan" in client.get("/ru/countries/kazakhstan/").content.decode()


def test_article_page_links_its_translations(client, story):
    original, japanese = story
    html = client.get(original.get_absolute_url()).content.decode()
    links = switcher_links(html)
    assert client.get(links["ja"])["Location"] == japanese.get_absolute_url()
    # No Russian translation: the switcher leads to the Russian home page.
    assert links["ru"].endswith("next=/ru/")
    assert 'hreflang="ja" href="http://testserver/ja/articles/' in html
    assert 'hreflang="x-default" href="http://testserver/articles/energy-pact/"' in html
    assert 'hreflang="ru"' not in re.sub(
        r'<nav class="language-switcher".*?</nav>', "", html, flags=re.S
    )
    assert "Read in" in html and japanese.get_absolute_url() in html


def test_translation_links_back_to_the_original(client, story):
    original, japanese = story
    assert japanese.get_absolute_url().startswith("/ja/articles/")
    html = client.get(japanese.get_absolute_url()).content.decode()
    assert original.get_absolute_url() in html
    assert 'hreflang="en" href="http://testserver/articles/energy-pact/"' in html


def test_an_article_under_another_language_moves_to_its_own(client, story):
    original, japanese = story
    response = client.get(f"/articles/{japanese.slug}/")
    assert response.status_code == 301
    assert response["Location"] == japanese.get_absolute_url()
    assert client.get(f"/ja/articles/{original.slug}/")["Location"] == "/articles/energy-pact/"


def test_unpublished_translation_is_not_offered(client, story):
    original, japanese = story
    Article.objects.filter(pk=japanese.pk).update(status=Article.Status.DRAFT)
    html = client.get(original.get_absolute_url()).content.decode()
    assert japanese.slug not in html
    assert switcher_links(html)["ja"].endswith("next=/ja/")


def test_other_pages_switch_to_the_same_page(client, story):
    links = switcher_links(client.get("/countries/kazakhstan/").content.decode())
    assert links["ja"].endswith("next=/ja/countries/kazakhstan/")
    assert links["ru"].endswith("next=/ru/countries/kazakhstan/")
    search = switcher_links(client.get("/ja/search/", {"q": "energy"}).content.decode())
    assert search["en"].endswith("next=/search/%3Fq%3Denergy")
    # The path's translations are kept per process; each address keeps its own query.
    another = switcher_links(client.get("/ja/search/", {"q": "uranium"}).content.decode())
    assert another["en"].endswith("next=/search/%3Fq%3Duranium")
    assert another["ru"].endswith("next=/ru/search/%3Fq%3Duranium")
    plain = switcher_links(client.get("/ja/search/").content.decode())
    assert plain["en"].endswith("next=/search/")


def test_feeds_per_language(client, story):
    original, japanese = story
    english = feedparser.parse(client.get("/feed/").content)
    japanese_feed = feedparser.parse(client.get("/ja/feed/").content)
    assert [entry.title for entry in english.entries] == [original.title]
    assert [entry.title for entry in japanese_feed.entries] == [japanese.title]
    assert japanese_feed.feed.language == "ja"
    assert japanese_feed.entries[0].link.endswith(japanese.get_absolute_url())


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_sitemaps_per_language_with_alternates(client, story):
    _original, japanese = story
    root = ElementTree.fromstring(client.get("/ja/sitemap-articles.xml").content)
    urls = root.findall(f"{SITEMAP}url")
    assert [url.find(f"{SITEMAP}loc").text for url in urls] == [
        f"http://testserver{japanese.get_absolute_url()}"
    ]
    alternates = {
        link.get("hreflang"): link.get("href") for link in urls[0].findall(f"{XHTML}link")
    }
    assert alternates == {
        "en": "http://testserver/articles/energy-pact/",
        "ja": f"http://testserver{japanese.get_absolute_url()}",
    }
    english = client.get("/sitemap-articles.xml").content.decode()
    assert "energy-pact" in english and "/ja/articles/" in english  # only as an alternate
    countries = ElementTree.fromstring(client.get("/ru/sitemap-countries.xml").content)
    assert countries.find(f"{SITEMAP}url/{SITEMAP}loc").text.endswith("/ru/countries/kazakhstan/")
    index = client.get("/ja/sitemap.xml").content.decode()
    assert "http://testserver/ja/sitemap-articles.xml" in index


def test_robots_lists_every_language(client):
    robots = client.get("/robots.txt").content.decode()
    for prefix in ("", "/ja", "/ru"):
        assert f"Sitemap: http://testserver{prefix}/sitemap.xml" in robots
        assert f"Disallow: {prefix}/search/" in robots


def test_previews_stay_private_in_every_language(client, story):
    original, _ = story
    client.force_login(make_staff())
    response = client.get(f"/ja{reverse('articles:preview', args=[original.pk])}")
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_cached_pages_never_cross_languages(client, story):
    original, japanese = story
    for _ in range(2):  # the second round comes from the page cache
        english = client.get("/articles/")
        japanese_page = client.get("/ja/articles/")
        assert japanese.title not in english.content.decode()
        assert original.title not in japanese_page.content.decode()
    assert english["X-Page-Cache"] == japanese_page["X-Page-Cache"] == "hit"
    assert english["ETag"] != japanese_page["ETag"]


class TestTranslationRules:
    def test_a_translation_is_in_another_language(self, story):
        original, _ = story
        copy = Article(title="Copy", language="en", translation_of=original)
        with pytest.raises(ValidationError, match="already in English"):
            copy.check_translation()

    def test_one_translation_per_language(self, story):
        original, _ = story
        second = Article(title="二つ目", language="ja", translation_of=original)
        with pytest.raises(ValidationError, match="already has a Japanese version"):
            second.check_translation()
        with pytest.raises(IntegrityError), transaction.atomic():
            Article.objects.create(title="二つ目", language="ja", translation_of=original)

    def test_translations_point_at_the_original(self, story):
        _, japanese = story
        russian = Article(title="Перевод", language="ru", translation_of=japanese)
        with pytest.raises(ValidationError, match="original article"):
            russian.check_translation()


class TestAdmin:
    def test_add_translation_prefills_a_draft(self, client, story):
        original, _ = story
        client.force_login(make_staff())
        change = client.get(reverse("admin:articles_article_change", args=[original.pk]))
        html = change.content.decode()
        add_url = (
            f"{reverse('admin:articles_article_add')}?translation_of={original.pk}&amp;language=ru"
        )
        assert add_url in html
        assert "日本とカザフスタン" in html  # the existing Japanese version is listed
        form = client.get(add_url.replace("&amp;", "&")).context["adminform"].form
        assert form.initial["title"] == original.title
        assert form.initial["language"] == "ru"
        assert form.initial["translation_of"] == original.pk
        assert form.initial["countries"] == [c.pk for c in original.countries.all()]

    def test_country_names_in_every_language_on_one_page(self, client, story):
        client.force_login(make_staff())
        kazakhstan = story[0].countries.get()
        url = reverse("admin:countries_country_change", args=[kazakhstan.pk])
        html = client.get(url).content.decode()
        for field in ("name_en", "name_ja", "name_ru", "summary_ru", "body_ja"):
            assert f'name="{field}"' in html
        assert 'value="カザフスタン"' in html

    def test_list_shows_languages_and_translations(self, client, story):
        client.force_login(make_staff())
        html = client.get(reverse("admin:articles_article_changelist")).content.decode()
        assert "of English" in html  # the Japanese version's column
        assert "Japanese" in html


def test_story_shares_countries_and_areas(story):
    original, japanese = story
    uzbekistan = make_country("Uzbekistan", slug="uzbekistan")
    editor = make_staff("story-editor")
    japanese.save_revision(user=editor, set_related=lambda: japanese.countries.add(uzbekistan))
    assert set(original.countries.values_list("slug", flat=True)) == {"kazakhstan", "uzbekistan"}
    original.refresh_from_db()
    assert original.version == 2  # an open form of the original must reload first


SWEEP_PAGES = [
    "",
    "articles/",
    "articles/?country=kazakhstan",
    "tags/{tag}/",
    "countries/kazakhstan/",
    "areas/energy/",
    "archive/{year}/",
    "authors/trilingual/",
    "feed/",
    "feed/atom/",
    "tags/{tag}/feed/",
    "countries/kazakhstan/feed/",
    "sitemap-articles.xml",
    "sitemap-news.xml",
]


def test_no_page_mixes_languages(client):
    """Every list of every language shows its own article and neither of the others."""
    from tests.factories import make_user

    kazakhstan = make_country("Kazakhstan", slug="kazakhstan")
    energy = make_area("Energy", slug="energy")
    author = make_user("trilingual")
    titles = {
        "en": "Steppe grid deal signed",
        "ja": "草原の送電網で合意",
        "ru": "Подписано соглашение о степной сети",
    }
    for language, title in titles.items():
        make_article(
            title,
            language=language,
            countries=[kazakhstan],
            areas=[energy],
            tags=["送電"],
            author=author,
        )
    tag = Article.objects.get(language="ja").tags.get().slug
    for language, title in titles.items():
        prefix = "/" if language == "en" else f"/{language}/"
        others = [other for code, other in titles.items() if code != language]
        for page in SWEEP_PAGES:
            year = Article.objects.get(language=language).publish_at.year
            response = client.get(prefix + page.format(tag=tag, year=year))
            assert response.status_code == 200, (language, page)
            body = response.content.decode()
            if "sitemap" not in page:
                assert title in body, (language, page)
                assert not any(other in body for other in others), (language, page)


def test_japanese_reading_time_counts_characters():
    article = Article(language="ja", body="日本とカザフスタンの協力。" * 100)  # 1,300 characters
    assert article.reading_minutes == 3
    assert Article(language="en", body="word " * 440).reading_minutes == 2


def test_country_history_keeps_every_language(story):
    import reversion
    from reversion.models import Version

    kazakhstan = story[0].countries.get()
    with reversion.create_revision():
        kazakhstan.name_ru = "Казахстан"
        kazakhstan.save()
    fields = Version.objects.get_for_object(kazakhstan).first().field_dict
    assert fields["name_ja"] == "カザフスタン"
    assert fields["name_ru"] == "Казахстан"


def test_region_map_names_countries_in_the_page_language(client, story):
    html = client.get("/ja/countries/kazakhstan/").content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "カザフスタン</text>" in svg
