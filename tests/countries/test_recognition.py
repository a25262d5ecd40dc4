# ruff: noqa: RUF001 — the texts use typographic quotes, dashes and Cyrillic on purpose.
import pytest
from django.utils import translation

from countries.models import CooperationArea, Country
from countries.recognition import Matcher, Term, recognise, taxonomy_matcher
from tests.factories import make_area, make_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy():
    make_country(
        "Kazakhstan",
        code="KZ",
        aliases="Kazakh\nKazakhs\nAstana\nNur-Sultan\nAlmaty\nカザフスタン\nКазахстан",
    )
    make_country("Uzbekistan", code="UZ", aliases="Uzbek\nTashkent\nSamarkand\nウズベキスタン")
    make_country("Kyrgyzstan", code="KG", aliases="Kyrgyz\nKyrgyz Republic\nBishkek\nOsh")
    make_country("Japan", code="JP", aliases="Japanese\nTokyo\n日本\nЯпония")
    make_country("Russia", code="RU", aliases="Russian\nMoscow\nРоссия")
    make_country("China", code="CN", aliases="Chinese\nBeijing\nPRC")
    make_country("India", code="IN", aliases="Indian\nNew Delhi\nインド")
    make_country("Turkey", code="TR", aliases="Türkiye\nTurkish")
    make_country(
        "United States", code="US", aliases="US\nU.S.\nUSA\nAmerican\nPeople's Republic of Nowhere"
    )
    make_area("Energy", keywords="renewable energy\nhydropower\nnatural gas")
    make_area("Infrastructure", keywords="transportation projects\nrailway\nMiddle Corridor")
    make_area("Counter-terrorism", keywords="counter-terrorism\nextremism\nterrorist")
    make_area("STEM education", keywords="STEM\nengineering education")
    make_area("Cultural exchange", keywords="Japanese language\nanime")
    make_area("Health", keywords="hospital")


def names(mentions) -> dict[str, int]:
    return {mention.name: mention.count for mention in mentions}


def test_possessives_with_curly_and_straight_apostrophes_both_count(taxonomy):
    found = recognise("Japan’s lenders and Japan's trading houses met in Tokyo.")
    assert names(found.countries) == {"Japan": 3}
    assert dict(found.countries[0].forms) == {"Japan": 2, "Tokyo": 1}


def test_demonyms_capitals_and_cities_point_to_their_country(taxonomy):
    text = (
        "Kazakh grain crossed into Uzbek territory on its way from Astana to Tashkent, "
        "while Kyrgyz traders in Osh watched prices."
    )
    found = recognise(text)
    assert names(found.countries) == {"Kazakhstan": 2, "Uzbekistan": 2, "Kyrgyzstan": 2}


def test_former_names_hyphens_and_line_breaks(taxonomy):
    text = (
        "The summit moved from Nur-Sultan to Nur Sultan and back to Nur\u2011Sultan, "
        "a city once written Nur-\nSultan in the wire copy. The Middle\nCorridor and "
        "counterterrorism came up, and so did counter–terrorism."
    )
    found = recognise(text)
    assert names(found.countries) == {"Kazakhstan": 4}
    assert names(found.areas) == {"Infrastructure": 1, "Counter-terrorism": 2}


def test_names_in_japanese_and_russian(taxonomy):
    text = "カザフスタンと日本は協力を深める。Казахстан и Япония подписали соглашение."
    found = recognise(text)
    assert names(found.countries) == {"Kazakhstan": 2, "Japan": 2}


def test_katakana_name_does_not_match_inside_a_longer_katakana_word(taxonomy):
    assert names(recognise("インドネシアの港湾").countries) == {}
    assert names(recognise("インドの港湾").countries) == {"India": 1}


def test_short_capital_forms_match_only_in_capitals(taxonomy):
    found = recognise("Let us be clear: the US and the U.S.A. differ from us. Problems stem from")
    assert names(found.countries) == {"United States": 1}
    assert names(recognise("the U.S. embassy").countries) == {"United States": 1}
    assert names(recognise("Problems stem from the past.").areas) == {}
    assert names(recognise("New STEM schools open.").areas) == {"STEM education": 1}


def test_words_inside_other_words_do_not_match(taxonomy):
    text = "Prussia, Indochina, Indiana and Japanesque design; the Usa river; Kazakhstania."
    found = recognise(text)
    assert found.countries == []
    assert not found


def test_plurals_count_as_the_word(taxonomy):
    found = recognise("Two Russians, three Uzbeks? No: Kazakhs. New hospitals and railways.")
    assert names(found.countries) == {"Russia": 1, "Uzbekistan": 1, "Kazakhstan": 1}
    assert names(found.areas) == {"Health": 1, "Infrastructure": 1}


def test_the_longest_phrase_wins_where_phrases_overlap(taxonomy):
    found = recognise("Japanese language courses in the Kyrgyz Republic.")
    assert names(found.countries) == {"Kyrgyzstan": 1}
    assert names(found.areas) == {"Cultural exchange": 1}


def test_keywords_signal_cooperation_areas(taxonomy):
    text = (
        "Renewable energy and transportation projects dominate, with STEM scholarships and "
        "efforts against extremism; counter-terrorism officials met engineering education "
        "experts."
    )
    assert names(recognise(text).areas) == {
        "Energy": 1,
        "Infrastructure": 1,
        "STEM education": 2,
        "Counter-terrorism": 2,
    }


def test_phrases_with_apostrophes_and_composed_letters(taxonomy):
    text = "The People’s Republic of Nowhere and Tu\u0308rkiye (written with a combining mark)."
    found = recognise(text)
    assert names(found.countries) == {"United States": 1, "Turkey": 1}


def test_mentions_come_with_counts_and_the_first_three_snippets(taxonomy):
    filler = " ".join(["word"] * 30)
    text = f"Astana hosts. {filler} Astana again. {filler} Astana. {filler} Kazakhstan ends."
    (kazakhstan,) = recognise(text).countries
    assert kazakhstan.count == 4
    assert len(kazakhstan.snippets) == 3
    first, second, _ = kazakhstan.snippets
    assert (first.before, first.text) == ("", "Astana")
    assert first.after.startswith(" hosts.") and first.after.endswith("…")
    assert second.before.startswith("…") and second.text == "Astana"
    assert str(second).count("Astana") == 1
    assert kazakhstan.forms_display() == "Astana \u00d73, Kazakhstan"


def test_most_mentioned_comes_first(taxonomy):
    found = recognise("Japan. Tashkent, Samarkand and Uzbek cotton. Japan again? No, Moscow.")
    assert [m.name for m in found.countries] == ["Uzbekistan", "Japan", "Russia"]


def test_empty_text_and_empty_taxonomy_find_nothing(taxonomy):
    assert not recognise("")
    assert not recognise("   \n ")
    assert Matcher([]).find("Japan") == []
    assert Matcher([Term("country", 1, "J", "j", ("J",))]).find("J J J") == []


def test_matcher_is_cached_until_an_alias_or_keyword_changes(taxonomy, django_assert_num_queries):
    first = taxonomy_matcher()
    with django_assert_num_queries(2):
        assert taxonomy_matcher() is first
    assert names(recognise("Karaganda coal").countries) == {}

    kazakhstan = first.terms[0]
    assert kazakhstan.name == "Kazakhstan"
    country = Country.objects.get(slug="kazakhstan")
    country.aliases += "\nKaraganda"
    country.save()
    assert taxonomy_matcher() is not first
    assert names(recognise("Karaganda coal").countries) == {"Kazakhstan": 1}

    second = taxonomy_matcher()
    CooperationArea.objects.filter(name="Health").update(keywords="hospital\nclinic")
    assert taxonomy_matcher() is not second
    assert names(recognise("A rural clinic").areas) == {"Health": 1}


def test_an_area_without_keywords_is_recognised_by_its_name(taxonomy):
    make_area("Water and environment", keywords="")
    assert names(recognise("Water and environment ministers met.").areas) == {
        "Water and environment": 1
    }


def test_a_long_text_is_read_in_one_pass(taxonomy):
    paragraph = (
        "Kazakh and Uzbek officials discussed renewable energy, a railway to Tashkent and "
        "hospital upgrades with Japanese partners; the US observed. "
    )
    text = paragraph * 1000
    found = recognise(text)
    assert names(found.countries) == {
        "Kazakhstan": 1000,
        "Uzbekistan": 2000,
        "Japan": 1000,
        "United States": 1000,
    }
    assert names(found.areas) == {"Energy": 1000, "Infrastructure": 1000, "Health": 1000}


def test_russian_names_are_recognised_in_their_inflected_forms():
    matcher = Matcher(
        [
            Term("country", 1, "Japan", "japan", ("Japan", "Япония", "Токио", "японский")),
            Term("country", 2, "Kazakhstan", "kazakhstan", ("Kazakhstan", "Казахстан", "Астана")),
            Term("country", 3, "China", "china", ("China", "Китай")),
        ]
    )
    text = (
        "Переговоры в Казахстане и в Астане, визит в Японию, поставки из Китая "
        "и японского оборудования. Казахстанский бизнес и Китайгородская улица не в счёт."
    )
    found = {mention.term.name: mention.count for mention in matcher.find(text)}
    assert found == {"Kazakhstan": 2, "Japan": 2, "China": 1}


# Translated names (name_ja, name_ru) count like the name itself.


@pytest.fixture
def translated_names(taxonomy):
    Country.objects.filter(slug="kyrgyzstan").update(name_ja="キルギス", name_ru="Киргизия")
    CooperationArea.objects.filter(slug="energy").update(name_ja="エネルギー", name_ru="Энергетика")


def test_a_country_is_found_by_its_translated_names_without_aliases(translated_names):
    found = recognise("キルギスの首都ビシュケク。Делегация Киргизии прибыла в Бишкек.")
    assert names(found.countries) == {"Kyrgyzstan": 2}
    assert dict(found.countries[0].forms) == {"キルギス": 1, "Киргизии": 1}


def test_an_area_is_found_by_its_translated_names(translated_names):
    found = recognise("エネルギー協力について。Министры обсудили энергетику.")
    assert names(found.areas) == {"Energy": 2}


def test_mentions_carry_the_name_in_the_active_language(translated_names):
    text = "Kyrgyz herders and キルギス traders."
    with translation.override("ja"):
        # Its English name and aliases still count on a Japanese page.
        assert names(recognise(text).countries) == {"キルギス": 2}
        # No Japanese name: the English one stands in.
        assert names(recognise("Astana").countries) == {"Kazakhstan": 1}
    assert names(recognise(text).countries) == {"Kyrgyzstan": 2}


def test_a_new_translated_name_is_recognised_at_once(taxonomy):
    assert names(recognise("ウズベキスタンとタジキスタン").countries) == {"Uzbekistan": 1}
    make_country("Tajikistan", code="TJ", aliases="Tajik")
    Country.objects.filter(slug="tajikistan").update(name_ja="タジキスタン")
    assert names(recognise("ウズベキスタンとタジキスタン").countries) == {
        "Uzbekistan": 1,
        "Tajikistan": 1,
    }
