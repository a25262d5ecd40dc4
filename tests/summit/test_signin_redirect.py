"""After signing in, an editor lands on the admin: on the page `?next=` names when it is ours,
on the admin index when it is refused, never on a missing /accounts/profile/."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.factories import make_editor

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
]


@pytest.fixture
def editor():
    return make_editor("desk")


def sign_in(client, next_url: str):
    """What the browser does: open the sign-in page `?next=…`, then post its form."""
    login = reverse("admin:login")
    page = client.get(login, {"next": next_url})
    assert page.status_code == 200
    # The admin's form carries `next` over from the address as a hidden field.
    assert 'name="next"' in page.content.decode()
    return client.post(
        f"{login}?{urlencode({'next': next_url})}",
        {"username": "desk", "password": PASSWORD, "next": next_url},
    )


@pytest.mark.parametrize("next_url", HOSTILE_NEXT)
def test_a_refused_next_lands_on_the_admin_index(client, editor, next_url):
    response = sign_in(client, next_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    index = client.get(response["Location"])
    assert index.status_code == 200
    assert "Editorial desk" in index.content.decode()


def test_a_next_on_this_site_is_followed(client, editor):
    changelist = reverse("admin:articles_article_changelist")
    response = sign_in(client, changelist)
    assert response.status_code == 302
    assert response["Location"] == changelist
    page = client.get(changelist)
    assert page.status_code == 200
    assert "Select article to change" in page.content.decode()


def test_signing_in_without_next_lands_on_the_admin_index(client, editor):
    response = client.post(reverse("admin:login"), {"username": "desk", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
