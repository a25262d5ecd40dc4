"""Hostile or malformed input on the event and commitment pages: 4xx, never 500."""

from urllib.parse import quote

import pytest

from tests.summit.test_bad_input import HOSTILE

pytestmark = pytest.mark.django_db

PATHS = ["/events/{v}/", "/ja/events/{v}/"]
QUERIES = [
    "/events/?country={v}",
    "/events/?area={v}",
    "/events/?year={v}",
    "/events/?page={v}",
    "/events/calendar.ics?country={v}",
    "/commitments/?country={v}",
    "/commitments/?status={v}",
    "/commitments/?event={v}",
    "/commitments/?page={v}",
    "/commitments/export.csv?area={v}",
    "/commitments/export.json?status={v}",
]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("template", PATHS + QUERIES)
def test_hostile_values_are_answered_with_a_4xx(client, template, value):
    url = template.format(v=quote(value, safe=""))

    response = client.get(url)

    assert 400 <= response.status_code < 500, (url, response.status_code)
