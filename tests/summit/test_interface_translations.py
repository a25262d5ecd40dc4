# ruff: noqa: RUF001 — the expected Russian text is Cyrillic on purpose.
"""The interface in Japanese and Russian: complete catalogues, translated pages, local dates."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from countries.models import Country
from summit.charts import month_series, render_monthly_chart, summarise
from summit.ratelimit import wait_phrase
from tests.factories import make_area, make_article, make_country, make_staff

CATALOGUES = {
    "ja": Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES" / "django.po",
    "ru": Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po",
}
# Japanese has one plural form; Russian has Django's four (one, few, many, fractions).
PLURAL_FORMS = {"ja": 1, "ru": 4}
PLACEHOLDER = re.compile(r"%\([a-zA-Z_]+\)[sd]|%[sd]")


def read_catalogue(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgid, msgid_plural and each msgstr, unquoted."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": set(), "fields": {}}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry["fields"][field] += unquote(line)
            else:
                field, _, value = line.partition(" ")
                entry["fields"][field] = unquote(value)
        entries.append(entry)
    return entries


def unquote(text: str) -> str:
    return text.strip()[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


@pytest.mark.parametrize("language", ["ja", "ru"])
def test_catalogue_has_every_message_translated_and_none_fuzzy(language):
    header, *messages = read_catalogue(CATALOGUES[language])
    assert "fuzzy" not in header["flags"]
    assert f"Language: {language}\n" in header["fields"]["msgstr"]
    assert messages, "the catalogue is empty: run `make messages`"
    for entry in messages:
        fields = entry["fields"]
        assert not entry.get("obsolete"), fields
        assert "fuzzy" not in entry["flags"], fields["msgid"]
        translations = {name: text for name, text in fields.items() if name.startswith("msgstr")}
        if "msgid_plural" in fields:
            expected = [f"msgstr[{i}]" for i in range(PLURAL_FORMS[language])]
            assert sorted(translations) == expected, fields["msgid"]
        for text in translations.values():
            assert text.strip(), f"untranslated: {fields['msgid']!r}"
            # A translation may leave out a placeholder (Japanese needs no number in some
            # plurals) but never invent one the code does not fill.
            source = fields["msgid"] + fields.get("msgid_plural", "")
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(source)), text


def message_ids(path: Path) -> set[tuple[str, str, str]]:
    _, *messages = read_catalogue(path)
    return {
        (fields.get("msgctxt", ""), fields["msgid"], fields.get("msgid_plural", ""))
        for fields in (entry["fields"] for entry in messages)
    }


@pytest.mark.parametrize("language", ["ja", "ru"])
def test_catalogue_holds_every_message_of_the_code_and_templates(language, tmp_path, monkeypatch):
    """What `make messages` finds in the code is exactly what the catalogue holds: a string
    marked for translation but never added to the catalogue shows in English on every page
    (the archive's "No articles in %(year)s." did until 2026-12-01)."""
    fresh = tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"
    fresh.parent.mkdir(parents=True)
    shutil.copy(CATALOGUES[language], fresh)
    # makemessages writes into any `locale` folder under where it runs: it runs in a folder of
    # links to the project's files, without the project's catalogues.
    source = tmp_path / "source"
    source.mkdir()
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in {"locale", ".git"}:
            (source / entry.name).symlink_to(entry)
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[fresh.parents[2]]):
        # The options of `make messages` (Makefile), into a copy of the catalogue.
        call_command(
            "makemessages",
            locale=[language],
            extensions=["html", "txt", "py", "xml"],
            ignore_patterns=[".venv", "node_modules", "tools", "staticfiles", "tests"],
            no_obsolete=True,
            no_wrap=True,
            symlinks=True,
            verbosity=0,
        )
    committed, found = message_ids(CATALOGUES[language]), message_ids(fresh)
    assert found - committed == set(), "run `make messages` and translate these"
    assert committed - found == set(), "no longer in the code: run `make messages`"


@pytest.mark.django_db
def test_japanese_and_russian_pages_show_the_interface_in_their_language(client):
    english = client.get("/").content.decode()
    japanese = client.get("/ja/").content.decode()
    russian = client.get("/ru/").content.decode()

    assert 'placeholder="Search articles"' in english
    assert '<button type="submit">Search</button>' in english
    assert '<h2 id="footer-sections">Sections</h2>' in english
    assert ">Cooperation areas</a>" in english

    assert 'placeholder="記事を検索"' in japanese
    assert '<button type="submit">検索</button>' in japanese
    assert '<h2 id="footer-sections">セクション</h2>' in japanese
    assert ">協力分野</a>" in japanese
    assert "Search articles" not in japanese

    assert 'placeholder="Поиск статей"' in russian
    assert '<button type="submit">Поиск</button>' in russian
    assert '<h2 id="footer-sections">Разделы</h2>' in russian
    assert ">Направления сотрудничества</a>" in russian
    assert "Search articles" not in russian


@pytest.mark.django_db
def test_default_tagline_follows_the_page_language(client):
    assert "Japan and Central Asia: summits, partners and cooperation." in (
        client.get("/").content.decode()
    )
    assert "Япония и Центральная Азия: саммиты, партнёры и сотрудничество." in (
        client.get("/ru/").content.decode()
    )


@pytest.mark.django_db
def test_dates_are_written_the_way_each_language_writes_them(client):
    published = datetime(2025, 12, 2, 12, 0, tzinfo=UTC)
    for language in ("en", "ja", "ru"):
        make_article(f"Lead in {language}", language=language, publish_at=published)

    assert "2 December 2025</time>" in client.get("/").content.decode()
    assert "2025年12月2日</time>" in client.get("/ja/").content.decode()
    assert "2 декабря 2025 г.</time>" in client.get("/ru/").content.decode()


@pytest.mark.django_db
def test_country_role_is_named_in_japanese_and_groups_keep_their_headings(client):
    make_country("Kazakhstan")
    make_country("Japan", role=Country.Role.HOST)

    profile = client.get("/ja/countries/kazakhstan/").content.decode()
    assert '<p class="kicker">中央アジアの国</p>' in profile
    assert "Central Asian state" not in profile
    # The list still heads each role's group by the role, whatever the page's language.
    groups = client.get("/ja/countries/").content.decode()
    assert 'id="group-1">中央アジア諸国</h2>' in groups
    assert 'id="group-2">日本</h2>' in groups


@pytest.mark.django_db
def test_coverage_legend_counts_articles_in_russian(client):
    kazakhstan, energy = make_country("Kazakhstan"), make_area("Energy")
    make_article("Уран для Японии", language="ru", countries=[kazakhstan], areas=[energy])

    page = client.get("/ru/coverage/").content.decode()
    assert "</span>нет статей</li>" in page
    assert "</span>1 статья</li>" in page


@pytest.mark.django_db
def test_active_filter_names_its_kind_in_japanese(client):
    kazakhstan = make_country("Kazakhstan")
    make_article("カザフスタンのウラン", language="ja", countries=[kazakhstan])

    page = client.get("/ja/articles/", {"country": "kazakhstan"}).content.decode()
    assert "国: Kazakhstan" in page
    assert "Country: Kazakhstan" not in page


@pytest.mark.django_db
def test_error_page_speaks_the_address_language(client):
    response = client.get("/ja/no-such-page/")
    assert response.status_code == 404
    assert "<h1>ページが見つかりません</h1>" in response.content.decode()


@pytest.mark.django_db
def test_admin_import_reports_in_the_editors_language(client):
    client.force_login(make_staff("desk"))
    client.cookies["django_language"] = "ja"
    text = "ステップの太陽光\n\n草原に太陽光発電所が建設されている。\n\nTags: 太陽光, 草原\n"

    response = client.post(reverse("admin:articles_article_import"), {"text": text}, follow=True)

    [message] = [str(message) for message in response.context["messages"]]
    assert message == (
        "「ステップの太陽光」を取り込みました（日本語の下書き、0 か国、協力分野 0 件、タグ 2 件）。"
    )


def test_chart_names_months_and_counts_in_russian():
    series = month_series({(2026, 3): 4, (2026, 2): 1}, end=date(2026, 3, 1), months=3)
    with translation.override("ru"):
        assert summarise(series) == (
            "5 статей за последние 3 месяца. Март 2026 г. — самый насыщенный месяц: 4."
        )
        chart = str(render_monthly_chart(series, title="t"))
    assert "<title>Март 2026 г.: 4 статьи</title>" in chart
    assert "<title>Январь 2026 г.: 0 статей</title>" in chart
    assert 'text-anchor="middle">М<tspan class="chart-month-rest">ар</tspan>' in chart


def test_japanese_chart_labels_months_by_number():
    series = month_series({}, end=date(2026, 12, 1), months=2)
    with translation.override("ja"):
        chart = str(render_monthly_chart(series, title="t"))
    assert 'text-anchor="middle">12<tspan class="chart-month-rest">月</tspan>' in chart


@pytest.mark.parametrize(
    ("seconds", "russian"),
    [
        (1, "1 секунду"),
        (21, "21 секунду"),
        (42, "42 секунды"),
        (11, "11 секунд"),
        (600, "10 минут"),
    ],
)
def test_russian_wait_uses_the_right_plural(seconds, russian):
    with translation.override("ru"):
        assert wait_phrase(seconds) == russian
    assert wait_phrase(42) == "42 seconds"
