"""The event pages: upcoming and past lists with filters, an event's page, its JSON-LD."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from tests.events.conftest import make_commitment, make_event
from tests.factories import make_article

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld_documents(html: str) -> list[dict]:
    return [json.loads(block) for block in JSON_LD.findall(html)]


def move(event: Event, status: str, *, days_ago: int, note: str = "") -> None:
    event.status = status
    event.save(status_note=note, status_date=timezone.localdate() - timedelta(days=days_ago))


def test_the_list_shows_upcoming_events_soonest_first_above_past_ones(client, region):
    make_event("Later summit", host=region["japan"], days_ahead=40)
    make_event("Sooner summit", host=region["japan"], days_ahead=5)
    make_event("Old forum", host=region["japan"], days_ahead=-30)

    response = client.get("/events/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Sooner summit") < html.index("Later summit") < html.index("Old forum")
    assert html.index("Upcoming") < html.index("Sooner summit")
    assert html.index("Past") < html.index("Old forum")


def test_filters_narrow_the_list_by_country_area_and_year(client, region):
    kazakhstan, japan, uzbekistan = region["kazakhstan"], region["japan"], region["uzbekistan"]
    hosted = make_event("Hosted by Kazakhstan", host=kazakhstan, agenda=[region["energy"]])
    attended = make_event("Attended by Kazakhstan", host=japan, participants=[kazakhstan])
    make_event("Without Kazakhstan", host=uzbekistan, participants=[japan])
    make_event(
        "Energy in 2024", host=uzbekistan, start_date=hosted.start_date.replace(year=2024)
    ).agenda.set([region["energy"]])

    by_country = client.get("/events/?country=kazakhstan").content.decode()
    assert hosted.name in by_country and attended.name in by_country
    assert "Without Kazakhstan" not in by_country and "Energy in 2024" not in by_country

    by_area = client.get("/events/?area=energy").content.decode()
    assert hosted.name in by_area and "Energy in 2024" in by_area
    assert attended.name not in by_area

    both = client.get("/events/?area=energy&year=2024").content.decode()
    assert "Energy in 2024" in both and hosted.name not in both


@pytest.mark.parametrize(
    "query",
    [
        "?country=atlantis",
        "?country=bad%20slug",
        "?country=kazakhstan&country=japan",
        "?area=nothing",
        "?year=abc",
        "?year=20245",
        "?year=0999",
        "?country=%00",
    ],
)
def test_bad_filters_on_the_event_list_are_a_400(client, region, query):
    response = client.get(f"/events/{query}")

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/events/no-such-event/", 404),
        ("/events/?page=abc", 404),
        ("/events/?page=99", 404),
        ("/events/calendar.ics?country=atlantis", 400),
        ("/events/calendar.ics?year=x", 400),
    ],
)
def test_other_bad_event_addresses_are_4xx(client, region, path, status):
    assert client.get(path).status_code == status


def test_an_event_page_shows_its_timeline_interleaving_status_and_published_articles(
    client, region
):
    now = timezone.now()
    story = make_article("Leaders to meet in Astana", published=True)
    story.publish_at = now - timedelta(days=15)
    story.save()
    follow_up = make_article("Summit called off", published=True)
    follow_up.publish_at = now - timedelta(days=8)
    follow_up.save()
    draft = make_article("Unfinished draft", published=False)
    scheduled = make_article("Not yet out", days_ago=-2)
    event = make_event(
        "Astana summit",
        host=region["kazakhstan"],
        articles=[story, follow_up, draft, scheduled],
        days_ahead=30,
    )
    # The first entry is dated today by the first save; move it back to the start.
    event.status_changes.update(date=timezone.localdate() - timedelta(days=20))
    move(event, Event.Status.POSTPONED, days_ago=10, note="host leader cancelled travel")
    move(event, Event.Status.CONFIRMED, days_ago=3, note="new date set")

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    entries = [
        (entry.kind, entry.status_change.status if entry.status_change else entry.article.title)
        for entry in response.context["timeline"]
    ]
    assert entries == [
        ("status", "announced"),
        ("article", "Leaders to meet in Astana"),
        ("status", "postponed"),
        ("article", "Summit called off"),
        ("status", "confirmed"),
    ]
    html = response.content.decode()
    assert "host leader cancelled travel" in html
    assert html.index("Leaders to meet in Astana") < html.index("Summit called off")
    assert "Unfinished draft" not in html and "Not yet out" not in html


def test_an_event_page_links_participants_agenda_and_outcome_documents(client, region):
    event = make_event(
        "Samarkand summit",
        host=region["uzbekistan"],
        participants=[region["kazakhstan"], region["japan"]],
        agenda=[region["trade"]],
        description="Leaders **met**.",
    )
    event.outcome_documents.create(
        title="Samarkand Declaration", url="https://example.org/decl", date=event.start_date
    )
    make_commitment(area=region["trade"], country=region["japan"], event=event, what="A fund")

    html = client.get(event.get_absolute_url()).content.decode()

    assert 'href="/countries/kazakhstan/"' in html and 'href="/countries/japan/"' in html
    assert 'href="/areas/trade/"' in html
    assert 'href="https://example.org/decl"' in html and "Samarkand Declaration" in html
    assert "<strong>met</strong>" in html
    assert "A fund" in html


@pytest.mark.parametrize(
    ("status", "schema_status"),
    [
        (Event.Status.CANCELLED, "https://schema.org/EventCancelled"),
        (Event.Status.POSTPONED, "https://schema.org/EventPostponed"),
        (Event.Status.CONFIRMED, "https://schema.org/EventScheduled"),
        (Event.Status.HELD, "https://schema.org/EventScheduled"),
    ],
)
def test_an_event_page_carries_schema_org_event_json_ld(client, region, status, schema_status):
    event = make_event("Tokyo summit", host=region["japan"], city="Tokyo", days=2, status=status)

    html = client.get(event.get_absolute_url()).content.decode()

    documents = {document["@type"]: document for document in json_ld_documents(html)}
    data = documents["Event"]
    assert data["name"] == "Tokyo summit"
    assert data["startDate"] == event.start_date.isoformat()
    assert data["endDate"] == event.end_date.isoformat()
    assert data["eventStatus"] == schema_status
    assert data["location"]["@type"] == "Place"
    assert data["location"]["address"]["addressLocality"] == "Tokyo"
    assert data["location"]["address"]["addressCountry"] == "JP"
    assert data["url"].endswith(event.get_absolute_url())
    assert "BreadcrumbList" in documents


def test_event_pages_exist_in_every_language(client, region):
    event = make_event("Tokyo summit", host=region["japan"])

    listing = client.get("/ja/events/")
    page = client.get(f"/ru/events/{event.slug}/")

    assert listing.status_code == 200 and page.status_code == 200
    assert '<html lang="ja">' in listing.content.decode()
    assert f'href="/ja/events/{event.slug}/"' in listing.content.decode()
    assert '<html lang="ru">' in page.content.decode()
    assert client.get("/ja/commitments/").status_code == 200


def test_a_renamed_event_keeps_its_old_address_working(client, region):
    event = make_event("Summit", host=region["japan"], slug="old-slug")
    event.slug = "new-slug"
    event.save()

    response = client.get("/events/old-slug/")

    assert response.status_code == 301
    assert response["Location"].endswith("/events/new-slug/")


@pytest.mark.parametrize("size", [2, 12])
def test_event_pages_query_counts_stay_bounded(client, region, size, django_assert_max_num_queries):
    articles = [make_article(f"Story {n}") for n in range(size)]
    for number in range(size):
        event = make_event(
            f"Summit {number}",
            host=region["japan"],
            days_ahead=number * 7 - size * 3,
            participants=[region["kazakhstan"], region["uzbekistan"]],
            agenda=[region["trade"], region["energy"]],
            articles=articles,
        )
        event.outcome_documents.create(title="Declaration", date=event.start_date)
        make_commitment(area=region["trade"], country=region["japan"], event=event)
        move(event, Event.Status.CONFIRMED, days_ago=1)

    # The same budgets at both sizes: no query per event, participant, article or row.
    with django_assert_max_num_queries(10):
        assert client.get("/events/?country=japan").status_code == 200
    # Two of these read the countries and areas, once per content generation (places()).
    with django_assert_max_num_queries(10):
        assert client.get(event.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/commitments/?area=trade").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/ja/events/?area=trade").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/ru/commitments/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/events/calendar.ics").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/commitments/export.csv").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/commitments/export.json").status_code == 200
