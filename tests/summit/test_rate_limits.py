"""Rate limits: sign-in spraying and flooding, and per-address limits on search, lists and feeds.

Windows are fixed and aligned to the clock, so every test that counts freezes time at the
start of a window: a minute turning over halfway through would restart the count.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from summit.page_cache import CACHE_STATUS_HEADER
from summit.ratelimit import Rate, parse_rates, too_many_requests
from tests.factories import make_country, make_editor, make_staff
from tests.summit.test_page_cache_processes import peer_environment

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # tests.factories gives every user this one
ATTACKER = "198.51.100.7"
ELSEWHERE = "192.0.2.44"
# The documented defaults (README, "Rate limits"), set here so an operator's environment
# cannot change what these tests prove.
DEFAULT_LIMITS = {
    "signin": "10/15m",
    "signin_global": "60/m",
    "search": "60/m,600/h",
    "lists": "60/m,600/h",
    "feeds": "120/m,2400/h",
}
SIGN_IN_FAILURES_ALLOWED = 10
SEARCHES_PER_MINUTE = 60


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = dict(DEFAULT_LIMITS)
    return settings.RATE_LIMITS


@pytest.fixture
def frozen(time_machine):
    """The clock stopped at the start of a minute, quarter hour and hour."""
    time_machine.move_to(datetime(2030, 1, 7, 9, 0, tzinfo=UTC), tick=False)
    return time_machine


@pytest.fixture
def password_checks():
    """Counts password checks (each costs a hash, for unknown usernames too) and still runs
    them."""
    check = ModelBackend.authenticate
    with mock.patch.object(ModelBackend, "authenticate", autospec=True, side_effect=check) as spy:
        yield spy


def sign_in(client, username: str, password: str, address: str = ATTACKER):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def text(response) -> str:
    return response.content.decode()


def assert_refused(response, heading: str, longest_wait: int) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= longest_wait
    assert "no-store" in response["Cache-Control"]
    page = text(response)
    assert heading in page
    assert "Error 429" in page
    assert 'class="site-header"' in page  # the site's own page, not a bare error


# Sign-in ----------------------------------------------------------------------------------


def test_a_password_sprayed_over_many_usernames_is_refused_before_it_is_checked(
    client, frozen, password_checks
):
    # Two passwords against a dozen accounts: never five for one account, so axes alone
    # would let every one through.
    usernames = [f"desk{n}" for n in range(12)]
    attempts = [(name, password) for password in ("Summer2030!", "Tokyo123") for name in usernames]
    answers = [sign_in(client, name, password) for name, password in attempts]

    allowed = answers[:SIGN_IN_FAILURES_ALLOWED]
    assert [a.status_code for a in allowed] == [200] * SIGN_IN_FAILURES_ALLOWED
    assert "Please enter the correct username and password" in text(answers[0])
    for refused in answers[SIGN_IN_FAILURES_ALLOWED:]:
        assert_refused(refused, "Too many sign-in attempts", longest_wait=15 * 60)
    assert password_checks.call_count == SIGN_IN_FAILURES_ALLOWED


def test_the_sprayed_address_may_try_again_once_the_window_is_over(client, frozen):
    editor = make_editor("desk")
    for n in range(SIGN_IN_FAILURES_ALLOWED):
        sign_in(client, f"guess{n}", "wrong-password")
    assert sign_in(client, "desk", PASSWORD).status_code == 429
    frozen.shift(timedelta(minutes=15))
    response = sign_in(client, "desk", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").context["user"] == editor


def test_another_address_signs_in_while_the_spraying_one_is_refused(client, frozen):
    make_editor("desk")
    for n in range(SIGN_IN_FAILURES_ALLOWED + 3):
        sign_in(client, f"guess{n}", "wrong-password")
    assert sign_in(client, "desk", PASSWORD).status_code == 429
    assert sign_in(client, "desk", PASSWORD, address=ELSEWHERE).status_code == 302


def test_an_editor_who_mistypes_twice_signs_in(client, frozen):
    make_editor("desk")
    assert sign_in(client, "desk", "wrong-password").status_code == 200
    assert sign_in(client, "desk", "wrong-passw0rd").status_code == 200
    assert sign_in(client, "desk", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_colleagues_signing_in_behind_one_address_never_use_up_the_limit(client, frozen):
    make_editor("desk")
    for _ in range(SIGN_IN_FAILURES_ALLOWED + 2):
        assert sign_in(client, "desk", PASSWORD).status_code == 302
        client.logout()
    # Successes were given back: the same address still has all of its failures left.
    for n in range(SIGN_IN_FAILURES_ALLOWED):
        assert sign_in(client, f"guess{n}", "wrong-password").status_code == 200


def test_the_site_wide_ceiling_refuses_sign_ins_from_every_address(
    client, frozen, password_checks, limits
):
    limits["signin_global"] = "5/m"
    make_editor("desk")
    for n in range(5):
        assert sign_in(client, f"guess{n}", "wrong-password", f"203.0.113.{n}").status_code == 200
    # A new address, even with the right password, waits for the minute to end.
    refused = sign_in(client, "desk", PASSWORD, address=ELSEWHERE)
    assert_refused(refused, "Signing in is busy", longest_wait=60)
    assert password_checks.call_count == 5
    frozen.shift(timedelta(seconds=int(refused["Retry-After"])))
    assert sign_in(client, "desk", PASSWORD, address=ELSEWHERE).status_code == 302


def test_sign_in_limits_can_be_switched_off(client, frozen, settings):
    settings.RATE_LIMITS_ENABLED = False
    answers = [sign_in(client, f"guess{n}", "wrong") for n in range(SIGN_IN_FAILURES_ALLOWED + 2)]
    assert {a.status_code for a in answers} == {200}


# Public pages -----------------------------------------------------------------------------


def search(client, n: int, address: str = ATTACKER):
    # A different query each time, as a scraper's: none of them is in the page cache.
    return client.get(f"/search/?q=word{n}", REMOTE_ADDR=address)


def test_the_search_after_the_limit_is_refused_with_the_sites_page(client, frozen):
    answers = [search(client, n) for n in range(SEARCHES_PER_MINUTE + 1)]
    assert {a.status_code for a in answers[:SEARCHES_PER_MINUTE]} == {200}
    refused = answers[SEARCHES_PER_MINUTE]
    assert_refused(refused, "Too many searches", longest_wait=60)
    assert "Please try again in" in text(refused)
    # The refusal was not stored by the page cache: in the next window the same search works.
    frozen.shift(timedelta(minutes=1))
    assert search(client, SEARCHES_PER_MINUTE).status_code == 200


def test_another_address_searches_while_one_is_refused(client, frozen):
    for n in range(SEARCHES_PER_MINUTE + 1):
        search(client, n)
    assert search(client, 100).status_code == 429
    assert search(client, 101, address=ELSEWHERE).status_code == 200


def test_pages_from_the_page_cache_do_not_count(client, frozen):
    for _ in range(SEARCHES_PER_MINUTE * 2):
        response = search(client, 1)
        assert response.status_code == 200
    assert response[CACHE_STATUS_HEADER] == "hit"
    assert search(client, 2).status_code == 200


def test_a_scraper_pacing_itself_under_the_minute_limit_meets_the_hourly_one(
    client, frozen, limits
):
    limits["search"] = "3/m,5/h"
    assert [search(client, n).status_code for n in range(3)] == [200, 200, 200]
    # Longer than the cache's default timeout, which must not end the hour's count early.
    frozen.shift(timedelta(minutes=10))
    assert [search(client, n).status_code for n in range(3, 6)] == [200, 200, 429]
    # The wait is the rest of the hour, not of the minute.
    assert int(search(client, 6)["Retry-After"]) > 60


def test_signed_in_staff_are_not_limited(client, frozen):
    client.force_login(make_staff())
    answers = [search(client, n) for n in range(SEARCHES_PER_MINUTE + 5)]
    assert {a.status_code for a in answers} == {200}


def test_limits_can_be_switched_off_entirely_or_per_kind(client, frozen, settings, limits):
    limits["search"] = "off"
    assert {search(client, n).status_code for n in range(SEARCHES_PER_MINUTE + 5)} == {200}
    limits["search"] = DEFAULT_LIMITS["search"]
    settings.RATE_LIMITS_ENABLED = False
    assert {search(client, n).status_code for n in range(SEARCHES_PER_MINUTE + 5)} == {200}


@pytest.mark.parametrize(
    ("bucket", "path", "heading"),
    [
        ("lists", "/articles/?country=kazakhstan", "Too many requests"),
        ("lists", "/countries/kazakhstan/", "Too many requests"),
        ("feeds", "/feed/", "Too many feed requests"),
        ("feeds", "/articles/feed/?country=kazakhstan", "Too many feed requests"),
    ],
)
def test_lists_and_feeds_have_their_own_limits(client, frozen, limits, bucket, path, heading):
    make_country("Kazakhstan", slug="kazakhstan")
    limits[bucket] = "3/m"
    separator = "&" if "?" in path else "?"
    # An extra parameter each time keeps every request out of the page cache.
    answers = [client.get(f"{path}{separator}v={n}", REMOTE_ADDR=ATTACKER) for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert_refused(answers[3], heading, longest_wait=60)
    # Each kind is counted apart: searching is still open to this address.
    assert search(client, 100).status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, frozen, limits):
    limits["search"] = "3/m"
    answers = [
        client.get(f"/search/?q=w{n}", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        for n in range(4)
    ]
    assert answers[-1].status_code == 429


def test_ipv6_addresses_of_one_subscriber_share_a_count(client, frozen, limits):
    limits["search"] = "3/m"
    statuses = [search(client, n, address=f"2001:db8:1:2::{n + 1:x}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert search(client, 9, address="2001:db8:1:3::1").status_code == 200


def test_the_429_page_renders_for_a_host_the_site_does_not_serve():
    # Error pages must not build absolute addresses: the host would be refused again.
    request = RequestFactory().get("/search/?q=x", HTTP_HOST="attacker.example")
    response = too_many_requests(request, "search", 42)
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert "Please try again in 42 seconds." in text(response)
    assert "attacker.example" not in text(response)


def test_rates_are_read_as_the_readme_writes_them():
    assert parse_rates("60/m, 600/h") == (Rate(60, 60), Rate(600, 3600))
    assert parse_rates("10/15m") == (Rate(10, 900),)
    assert parse_rates("off") == ()
    for bad in ("60", "60/minute", "x/m", "10/0m"):
        with pytest.raises(ImproperlyConfigured):
            parse_rates(bad)


# Two processes ----------------------------------------------------------------------------

PEER = """
import sys

import django

django.setup()

from django.test import Client

client = Client(REMOTE_ADDR=sys.argv[1])
print(" ".join(str(client.get(f"/search/?q=peer{n}").status_code) for n in range(3)))
"""
# One window for the whole test: this process's clock cannot be frozen in the other one.
SHARED_RATE = "3/1000d"


@pytest.fixture(params=["redis", "file"])
def shared_cache(request):
    if request.param == "redis" and not django_settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: no Redis to share (e.g. redis://127.0.0.1:6379/13)")
    if request.param == "file" and django_settings.REDIS_URL:
        pytest.skip("this run's cache is Redis (REDIS_URL is set), not a cache folder")
    return request.param


def search_in_another_process(address: str) -> str:
    env = peer_environment(DJANGO_RATE_LIMITS="1", DJANGO_RATE_LIMIT_SEARCH=SHARED_RATE)
    done = subprocess.run(
        [sys.executable, "-c", PEER, address],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.django_db(transaction=True)
def test_processes_sharing_the_cache_share_the_count(client, shared_cache, limits):
    limits["search"] = SHARED_RATE
    assert search_in_another_process(ATTACKER) == "200 200 200"
    assert search(client, 99).status_code == 429
    assert search(client, 99, address=ELSEWHERE).status_code == 200
