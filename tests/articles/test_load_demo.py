import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles.models import Article, Tag
from countries.models import CooperationArea, Country

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("countries.migrations.0002_seed_builtin_taxonomy")


def test_load_demo_creates_the_publication_and_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = (Country.objects.count(), CooperationArea.objects.count(), Article.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (
        Country.objects.count(),
        CooperationArea.objects.count(),
        Article.objects.count(),
    ) == counts

    assert set(
        Country.objects.filter(role=Country.Role.CENTRAL_ASIA).values_list("code", flat=True)
    ) == {"KZ", "KG", "TJ", "TM", "UZ"}
    assert Country.objects.get(code="JP").role == Country.Role.HOST
    assert {"china", "russia", "united-states"} <= set(
        Country.objects.values_list("slug", flat=True)
    )
    assert CooperationArea.objects.count() >= 8
    assert Article.objects.count() >= 12
    assert Article.objects.filter(status="draft").count() == 1
    assert Article.objects.scheduled().count() == 1
    assert Article.objects.published().filter(featured=True).exists()
    assert Tag.objects.in_use().count() >= 15
    assert Tag.objects.filter(slug="防災").exists()
    assert "Astana" in Country.objects.get(code="KZ").alias_list
    assert "renewable energy" in CooperationArea.objects.get(slug="energy").keyword_list


def test_load_demo_keeps_an_editors_changes():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    Country.objects.filter(slug="kazakhstan").update(summary="Edited by the desk")
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert Country.objects.get(slug="kazakhstan").summary == "Edited by the desk"


def load_demo_summary() -> dict[str, tuple[int, int]]:
    """{"Countries": (total, new), …} from the command's summary line."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return {
        label: (int(total), int(new))
        for label, total, new in re.findall(r"(\w+): (\d+) \((\d+) new\)", out.getvalue())
    }


def test_load_demo_reports_what_exists_on_a_fresh_install_and_on_a_repeat_run():
    # A fresh install: the migration has seeded the built-in countries and areas (run again
    # here, as other tests may have emptied the tables).
    seed_migration.seed_builtin_taxonomy(apps, None)
    seeded = (Country.objects.count(), CooperationArea.objects.count())
    assert seeded[0] > 0

    first = load_demo_summary()
    assert list(first) == ["Countries", "Areas", "Articles", "Tags", "Authors"]
    # The countries and areas the migration seeded are reported as there, not as missing.
    assert first["Countries"] == (Country.objects.count(), Country.objects.count() - seeded[0])
    assert first["Areas"] == (
        CooperationArea.objects.count(),
        CooperationArea.objects.count() - seeded[1],
    )
    assert first["Articles"] == (Article.objects.count(), Article.objects.count())
    assert first["Tags"] == (Tag.objects.count(), Tag.objects.count())
    assert first["Articles"][0] >= 12

    again = load_demo_summary()
    assert again == {label: (total, 0) for label, (total, _) in first.items()}


def load_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


def test_load_demo_gives_every_country_and_area_its_japanese_and_russian_texts():
    # A fresh install: the migration has seeded the rows in English only.
    seed_migration.seed_builtin_taxonomy(apps, None)
    load_demo()
    rows = [*Country.objects.all(), *CooperationArea.objects.all()]
    assert len(rows) == 22
    for row in rows:
        for language in ("ja", "ru"):
            for field in ("name", "summary", "body"):
                assert getattr(row, f"{field}_{language}"), f"{row.slug}: {field}_{language}"
    kazakhstan = Country.objects.get(slug="kazakhstan")
    assert (kazakhstan.name_en, kazakhstan.name_ja, kazakhstan.name_ru) == (
        "Kazakhstan",
        "カザフスタン",
        "Казахстан",
    )
    assert CooperationArea.objects.get(slug="energy").name_ja == "エネルギー"


def test_load_demo_fills_only_the_translations_an_editor_left_empty():
    seed_migration.seed_builtin_taxonomy(apps, None)
    Country.objects.filter(slug="japan").update(name_ja="ニッポン", summary_ru="Правка редакции")
    load_demo()
    japan = Country.objects.get(slug="japan")
    assert (japan.name_ja, japan.summary_ru) == ("ニッポン", "Правка редакции")
    assert japan.name_ru == "Япония"
    assert japan.summary_ja  # empty before, so filled


def test_load_demo_publishes_japanese_and_russian_translations_of_demo_stories():
    load_demo()
    for language in ("ja", "ru"):
        translations = Article.objects.published().filter(language=language)
        assert translations.count() >= 3
        for article in translations.select_related("translation_of"):
            original = article.translation_of
            assert original is not None and original.language == "en"
            assert set(article.countries.all()) == set(original.countries.all())
            assert set(article.cooperation_areas.all()) == set(original.cooperation_areas.all())
            assert (article.primary_country_id, article.primary_area_id) == (
                original.primary_country_id,
                original.primary_area_id,
            )
            assert original.publish_at <= article.publish_at
            assert article.tags.exists()
            assert article.title != original.title and article.body != original.body
    # A story in all three languages, each at its own address.
    original = Article.objects.get(slug="almaty-earthquake-preparedness")
    story = Article.objects.in_story(original)
    assert sorted(story.values_list("language", flat=True)) == ["en", "ja", "ru"]
    assert (
        Article.objects.get(translation_of=original, language="ru")
        .tags.filter(name="землетрясения")
        .exists()
    )


def test_load_demo_run_twice_creates_no_second_translation():
    load_demo()
    counts = (Article.objects.count(), Tag.objects.count(), Country.objects.count())
    # An editor retitles a translation and gives it another slug: it is still the one.
    japanese = Article.objects.get(translation_of__slug="hydropower-rogun-kambarata", language="ja")
    Article.objects.filter(pk=japanese.pk).update(title="編集済み", slug="編集済み")
    load_demo()
    assert (Article.objects.count(), Tag.objects.count(), Country.objects.count()) == counts
    assert Article.objects.get(pk=japanese.pk).title == "編集済み"


def test_country_pages_show_the_translated_name(client):
    load_demo()
    kazakhstan = Country.objects.get(slug="kazakhstan")
    # Restores whatever language was active, so the pages' own cannot leak into other tests.
    with translation.override("en"):
        for language, name, summary in (
            ("ja", "カザフスタン", kazakhstan.summary_ja),
            ("ru", "Казахстан", kazakhstan.summary_ru),
        ):
            with translation.override(language):
                url = reverse("countries:detail", kwargs={"slug": "kazakhstan"})
            assert url == f"/{language}/countries/kazakhstan/"
            html = client.get(url).content.decode()
            assert name in html
            assert summary in html
