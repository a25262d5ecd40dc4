# ruff: noqa: RUF001 — the texts use Japanese and Cyrillic punctuation and letters on purpose.
"""The language a text is written in, told by the script of its letters (`detect_language`)."""

import pytest

from articles.models import Article
from countries.recognition import detect_language

JAPANESE = [
    "日本とカザフスタンは、再生可能エネルギー分野での協力を強化することで合意した。",
    # Latin acronyms and names in Japanese copy do not make it English.
    "JICAはASEAN諸国とウズベキスタンの専門家を東京に招き、STEM教育について議論した。",
    "JICAはUzbekistanのTashkentでSTEM教育を支援した。",
    "外務省の発表（https://www.mofa.go.jp/press/release）によると、両国は協力を深める。",
    "日本外交",  # a headline in kanji alone
    "ｶｻﾞﾌｽﾀﾝの首都",  # half-width katakana
]
RUSSIAN = [
    "Казахстан и Япония подписали соглашение о строительстве новой железной дороги.",
    "Проект Middle Corridor обсуждали в Астане представители JICA и ADB.",
    "ЯПОНИЯ ИНВЕСТИРУЕТ В ЭНЕРГЕТИКУ УЗБЕКИСТАНА",
]
ENGLISH = [
    "Kazakhstan and Japan signed a rail deal in Astana on Monday.",
    # One quoted Russian or Japanese word does not make it Russian or Japanese.
    "Locals call the new line «Магистраль», the trunk road, and few expect it to open on time.",
    "Japanese lenders practise nemawashi (根回し), quiet consensus-building before any vote.",
    "Türkiye and Kyrgyzstan: café owners in Bishkek welcome visitors.",
]
NO_LETTERS = ["", "   \n ", "2026-11-30 12:00", "— … ! ?", "１２３"]


@pytest.mark.parametrize("text", JAPANESE)
def test_japanese_copy_is_japanese(text):
    assert detect_language(text) == "ja"


@pytest.mark.parametrize("text", RUSSIAN)
def test_russian_copy_is_russian(text):
    assert detect_language(text) == "ru"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_copy_is_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", NO_LETTERS)
def test_a_text_without_letters_is_english(text):
    assert detect_language(text) == "en"


def test_the_script_with_more_letters_wins_and_english_wins_a_tie():
    assert detect_language("Ok, да.") == "en"  # two letters each
    assert detect_language("Ok, дан.") == "ru"
    # A Japanese character weighs three letters: 日本 (two) outweighs five Latin letters.
    assert detect_language("Japan 日本") == "ja"
    assert detect_language("Japanese 日本") == "en"


def test_a_japanese_paragraph_quoted_in_a_long_english_article_leaves_it_english():
    english = "The ministers met in Tokyo and discussed the railway at length. " * 20
    quote = "「中央アジアとの協力を深める」"
    assert detect_language(f"{english}\n\n{quote}\n\n{english}") == "en"


def test_a_mostly_russian_article_with_an_english_paragraph_is_russian():
    russian = "Министры обсудили строительство железной дороги и поставки газа. " * 10
    english = "The Middle Corridor is the talk of the town."
    assert detect_language(f"{russian}\n\n{english}") == "ru"


@pytest.mark.parametrize("text", JAPANESE + RUSSIAN + ENGLISH + NO_LETTERS)
def test_every_answer_is_an_article_language(text):
    assert detect_language(text) in Article.Language.values
