from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_a_working_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch("summit.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_404_page_is_the_sites_own(client):
    response = client.get("/no/such/page/<script>/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'class="skip-link"' in page
    assert "<script>" not in page


def test_500_page_is_the_sites_own(client):
    client.raise_request_exception = False
    # Any unexpected error will do; the health check is the page with the fewest moving parts.
    with mock.patch("summit.views.connection.cursor", side_effect=RuntimeError("boom")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "boom" not in page
