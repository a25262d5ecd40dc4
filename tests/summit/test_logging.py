"""A refused request logs one WARNING line; a real server error keeps its traceback."""

import logging
from unittest import mock

import pytest
from django.test import Client, override_settings

from articles.search import MAX_QUERY_LENGTH
from summit.log import PATH_LIMIT
from tests.factories import make_contributor

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    # Logging is what is under test, so a server error must be answered, not raised.
    return Client(raise_request_exception=False)


def warnings_and_errors(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def assert_one_line(caplog, *, status: int) -> str:
    records = warnings_and_errors(caplog)
    assert len(records) == 1, [record.getMessage() for record in records]
    record = records[0]
    assert record.levelname == "WARNING"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
    line = record.getMessage()
    assert "\n" not in line
    assert f": {status} " in line
    return line


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_bad_host_logs_one_warning_line_with_its_reason(client, caplog):
    response = client.get("/search/?q=energy", HTTP_HOST="evil.example")
    assert response.status_code == 400
    line = assert_one_line(caplog, status=400)
    assert line.startswith("Refused GET /search/?q=energy: 400 Bad Request (DisallowedHost: ")
    assert "Invalid HTTP_HOST header: 'evil.example'" in line
    # Logged under Django's own name for it, so filters on it keep working.
    assert warnings_and_errors(caplog)[0].name == "django.security.DisallowedHost"


def test_an_over_long_search_query_logs_one_short_line(client, caplog):
    query = "x" * (MAX_QUERY_LENGTH + 5000)
    response = client.get("/search/", {"q": query})
    assert response.status_code == 400
    line = assert_one_line(caplog, status=400)
    assert line.startswith("Refused GET /search/?q=xxxx")
    assert f"(BadRequest: Search terms are limited to {MAX_QUERY_LENGTH} characters.)" in line
    path = line.removeprefix("Refused GET ").split(": 400 ")[0]
    assert len(path) == PATH_LIMIT
    assert path.endswith("…")


def test_a_forbidden_admin_action_logs_one_line(client, caplog):
    # A contributor may not see the redirects list; the admin raises PermissionDenied.
    client.force_login(make_contributor())
    response = client.get("/admin/summit/redirect/add/")
    assert response.status_code == 403
    line = assert_one_line(caplog, status=403)
    assert line.startswith(
        "Refused GET /admin/summit/redirect/add/: 403 Forbidden (PermissionDenied"
    )


def test_a_page_that_is_not_there_still_logs_as_before(client, caplog):
    assert client.get("/no/such/page/").status_code == 404
    records = warnings_and_errors(caplog)
    assert [record.getMessage() for record in records] == ["Not Found: /no/such/page/"]


def test_a_real_server_error_keeps_its_traceback(client, caplog):
    with mock.patch("summit.views.reverse", side_effect=RuntimeError("boom in robots")):
        response = client.get("/robots.txt")
    assert response.status_code == 500
    records = warnings_and_errors(caplog)
    assert len(records) == 1
    record = records[0]
    assert record.levelname == "ERROR"
    assert record.name == "django.request"
    assert record.exc_info is not None
    assert "Traceback" in caplog.text
    assert "RuntimeError: boom in robots" in caplog.text
