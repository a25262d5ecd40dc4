"""Error pages render without the request's host: a refused Host answers 400, never 500."""

import pytest
from django.core.exceptions import DisallowedHost, PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.template import TemplateDoesNotExist, loader
from django.test import Client, RequestFactory, override_settings
from django.views import defaults

from tests.factories import make_article

pytestmark = pytest.mark.django_db

HOSTILE_HOST = "evil.example"
BAD_REQUEST_TEXT = "We could not understand that request"


@pytest.fixture
def article():
    return make_article("Energy corridor talks", tags=["energy"])


def page_kinds(article) -> list[str]:
    return [
        "/",
        article.get_absolute_url(),
        "/search/?q=energy",
        "/tags/energy/",
        "/articles/feed/",
        "/admin/login/",
        "/admin/articles/article/",
        "/no/such/page/",
    ]


def assert_sites_own_400(response) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert "Bad request" in page
    assert BAD_REQUEST_TEXT in page
    # Not a byte of the page may come from the hostile header.
    assert HOSTILE_HOST not in page


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_host_outside_allowed_hosts_gets_the_sites_400_page_on_every_kind_of_page(article):
    client = Client()  # raises any exception a view lets escape, as a 500 would hide it
    for path in page_kinds(article):
        assert_sites_own_400(client.get(path, HTTP_HOST=HOSTILE_HOST))


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_host_outside_allowed_hosts_is_never_a_server_error(article):
    client = Client(raise_request_exception=False)
    for path in page_kinds(article):
        response = client.get(path, HTTP_HOST=HOSTILE_HOST)
        assert response.status_code == 400, (path, response.status_code)
        assert BAD_REQUEST_TEXT in response.content.decode()


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_sign_in_post_with_a_bad_host_gets_the_400_page():
    client = Client(raise_request_exception=False)
    response = client.post(
        "/admin/login/", {"username": "x", "password": "y"}, HTTP_HOST=HOSTILE_HOST
    )
    assert_sites_own_400(response)


@override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=True)
def test_behind_https_a_bad_host_is_refused_rather_than_redirected(article):
    # SecurityMiddleware builds the https:// address from the Host before anything else runs.
    response = Client(raise_request_exception=False).get("/", HTTP_HOST=HOSTILE_HOST)
    assert_sites_own_400(response)
    assert "Location" not in response


def test_pages_on_an_allowed_host_keep_their_canonical_address(client):
    page = client.get("/search/?q=energy").content.decode()
    assert '<link rel="canonical" href="http://testserver/search/">' in page


ERROR_VIEWS = [
    (defaults.bad_request, DisallowedHost("refused"), 400, "Bad request"),
    (defaults.permission_denied, PermissionDenied(), 403, "Not allowed"),
    (defaults.page_not_found, Http404(), 404, "Page not found"),
]


@pytest.mark.parametrize(("view", "exception", "status", "heading"), ERROR_VIEWS)
def test_each_error_page_renders_for_a_request_whose_host_is_refused(
    view, exception, status, heading
):
    request = RequestFactory().get("/somewhere/", HTTP_HOST=HOSTILE_HOST)
    response = view(request, exception)
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page
    assert HOSTILE_HOST not in page


def test_the_500_page_renders_for_a_request_whose_host_is_refused():
    request = RequestFactory().get("/somewhere/", HTTP_HOST=HOSTILE_HOST)
    response = defaults.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_429_page_renders_for_a_request_whose_host_is_refused():
    try:
        loader.get_template("429.html")
    except TemplateDoesNotExist:
        pytest.skip("templates/429.html is not there yet")
    request = RequestFactory().get("/search/", HTTP_HOST=HOSTILE_HOST)
    response = render(request, "429.html", status=429)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Error 429" in page
    assert HOSTILE_HOST not in page
