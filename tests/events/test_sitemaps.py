"""Events in the sitemap index, with their addresses in every language."""

from __future__ import annotations

import pytest

from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db


def test_events_and_their_indexes_are_in_the_sitemaps(client, region):
    event = make_event("Tokyo summit", host=region["japan"], slug="tokyo-summit")

    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-events.xml" in index and "/sitemap-event-sections.xml" in index

    events = client.get("/sitemap-events.xml").content.decode()
    assert "http://testserver/events/tokyo-summit/" in events
    assert 'hreflang="ja" href="http://testserver/ja/events/tokyo-summit/"' in events
    assert event.updated_at.date().isoformat() in events

    sections = client.get("/sitemap-event-sections.xml").content.decode()
    assert "http://testserver/events/" in sections and "http://testserver/commitments/" in sections
