"""A NUL in the address is refused with the site's 400 page, on every database."""

import logging

import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=energy%00",
        "/articles/?tag=%00",
        "/tags/en%00ergy/",
        "/admin/articles/tag/autocomplete/?term=%00",
        "/admin/autocomplete/?app_label=articles&model_name=article&field_name=countries&term=%00",
        "/admin/articles/article/1%00/history/",
        "/admin/countries/country/1%00/history/",
    ],
)
def test_an_address_holding_a_nul_is_a_bad_request(admin_client, url, caplog):
    make_article("Quake drills in Almaty")
    with caplog.at_level(logging.WARNING):
        response = admin_client.get(url)
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_ordinary_addresses_pass(client):
    make_article("Quake drills in Almaty")
    assert client.get("/search/", {"q": "quake drills"}).status_code == 200
    assert client.get("/tags/").status_code == 200
