"""Sign-in safety: repeated wrong passwords lock the account out on that address for a while."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from summit.signin import client_ip
from tests.factories import make_editor

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def editor():
    return make_editor("desk")


def sign_in(client, password: str, **headers):
    # Reversed here, not at import: importing the URLconf while tests are collected would
    # freeze addresses built from settings that fixtures change later.
    return client.post(
        reverse("admin:login"),
        {"username": "desk", "password": password, "next": "/admin/"},
        **headers,
    )


def fail(client, times: int, **headers) -> None:
    for _ in range(times):
        response = sign_in(client, "wrong-password", **headers)
        assert response.status_code in (200, 429)


def test_a_correct_password_signs_in(client, editor):
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_five_wrong_passwords_lock_the_account_out_with_a_clear_message(client, editor):
    fail(client, 3)
    fourth = sign_in(client, "wrong-password")
    assert fourth.status_code == 200
    assert "Please enter the correct username and password" in fourth.content.decode()
    fifth = sign_in(client, "wrong-password")
    assert fifth.status_code == 429
    response = sign_in(client, PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins" in page
    assert "Try again in 15 minutes" in page
    assert client.get("/admin/").status_code == 302  # not signed in


def test_a_spoofed_x_forwarded_for_does_not_get_around_the_lockout(client, editor):
    for n in range(5):
        sign_in(client, "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429


def test_behind_a_proxy_only_the_address_the_proxy_saw_counts(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The attacker forges the left part; the proxy appends the address it really saw.
    for n in range(5):
        sign_in(
            client, "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9", **proxy
        )
    locked = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9", **proxy)
    assert locked.status_code == 429
    # The real editor, elsewhere, behind the same proxy, is not locked out.
    elsewhere = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.44", **proxy)
    assert elsewhere.status_code == 302


def test_the_lockout_lifts_after_the_cool_off_time(client, editor, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    fail(client, 5)
    assert sign_in(client, PASSWORD).status_code == 429
    time_machine.shift(timedelta(minutes=16))
    assert sign_in(client, PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, editor):
    fail(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    fail(client, 4)
    assert sign_in(client, PASSWORD).status_code == 302


def test_client_ip_trusts_forwarded_for_only_behind_configured_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: the header cannot be trusted
    assert client_ip(request) == "10.0.0.2"
