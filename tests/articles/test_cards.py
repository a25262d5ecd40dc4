"""What a card shows (`{% article_card %}`, articles/templatetags/cards.py)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils.text import Truncator

from articles.templatetags.cards import CARD_DEK_WORDS, card_dek
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_a_standfirst_shows_up_to_36_words_as_truncatewords_writes_them():
    fits = " ".join(f"word{n}" for n in range(CARD_DEK_WORDS))
    longer = " ".join(f"word{n}" for n in range(CARD_DEK_WORDS + 4))
    spaced = "Tokyo  and\nAstana\tsign a deal."
    for dek in (fits, longer, spaced, ""):
        assert card_dek(dek) == Truncator(dek).words(CARD_DEK_WORDS)
    assert card_dek(longer).endswith("word35…")
    assert card_dek(spaced) == "Tokyo and Astana sign a deal."


def test_a_card_shows_its_standfirst_and_day(client, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    long_dek = " ".join(["Energy"] * 40)
    make_article("Grid talks", dek=long_dek, publish_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))
    page = client.get(reverse("articles:list")).content.decode()
    assert f"<p>{' '.join(['Energy'] * 36)}…</p>" in page
    # 05:30 on 2 March in Tokyo.
    assert '<time datetime="2026-03-02T05:30:00+09:00">2 Mar 2026</time>' in page
