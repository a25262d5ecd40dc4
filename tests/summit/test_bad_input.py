"""Hostile or malformed input anywhere in the site answers 4xx with the site's page, never 500."""

from urllib.parse import quote

import pytest

from tests.factories import make_area, make_article, make_country

pytestmark = pytest.mark.django_db

HOSTILE = ["\x00", "<script>alert(1)</script>", "x" * 3000, "' OR 1=1 --", "%", "../../etc/passwd"]

PATHS = [
    "/articles/{v}/",
    "/tags/{v}/",
    "/tags/{v}/feed/",
    "/countries/{v}/",
    "/countries/{v}/feed/",
    "/areas/{v}/",
    "/areas/{v}/feed/",
    "/authors/{v}/",
    "/authors/{v}/feed/",
    "/archive/{v}/",
    "/archive/2026/{v}/",
    "/preview/shared/{v}/",
    "/{v}",
]

QUERIES = [
    "/articles/?tag={v}",
    "/articles/?country={v}",
    "/articles/?area={v}",
    "/articles/?page={v}",
    "/articles/feed/?tag={v}",
    "/articles/feed/?country={v}",
    "/search/?q={v}",
    "/search/?q=energy&page={v}",
    "/search/?q=energy&tag={v}",
    "/tags/energy/?page={v}",
    "/countries/kazakhstan/?page={v}",
    "/coverage/?page={v}",
]


@pytest.fixture
def content():
    kz = make_country("Kazakhstan")
    energy = make_area("Energy")
    make_article("Energy in Kazakhstan", countries=[kz], areas=[energy], tags=["energy"])


def assert_clean_refusal_or_page(response) -> None:
    assert response.status_code < 500, response.status_code
    body = response.content.decode(errors="replace")
    assert "<script>alert(1)" not in body


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("template", PATHS)
def test_hostile_path_segments_never_cause_a_server_error(client, content, template, value):
    response = client.get(template.format(v=quote(value, safe="")))
    assert_clean_refusal_or_page(response)
    assert response.status_code in (301, 302, 400, 404)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("template", QUERIES)
def test_hostile_parameters_never_cause_a_server_error(client, content, template, value):
    response = client.get(template.format(v=quote(value, safe="")))
    assert_clean_refusal_or_page(response)
