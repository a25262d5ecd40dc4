"""Security headers: the admin's own Content-Security-Policy, the public pages' strict one,
and Permissions-Policy and Cross-Origin-Resource-Policy on every response
(summit/security_headers.py, settings.py)."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Tag
from summit.page_cache import CACHE_STATUS_HEADER
from tests.factories import article_admin_data, make_article, make_staff

pytestmark = pytest.mark.django_db

# The public pages' policy as it was before the admin got one; it must not change.
PUBLIC_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
DENIED_FEATURES = (
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "interest-cohort",
    "browsing-topics",
    "accelerometer",
    "gyroscope",
    "magnetometer",
    "display-capture",
)


def policy_of(response) -> dict[str, set[str]]:
    """The Content-Security-Policy header as {directive: {sources}}."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = set(sources)
    return policy


def permissions_of(response) -> dict[str, str]:
    """The Permissions-Policy header as {feature: allowlist}."""
    features = {}
    for item in response["Permissions-Policy"].split(","):
        feature, _, allowlist = item.strip().partition("=")
        features[feature] = allowlist
    return features


def style_hash(style: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


class InlineCode(HTMLParser):
    """Collects what a page runs or styles inline: script bodies, on* handlers, style=."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name in names if name.startswith("on")]
        if names.get("style") is not None:
            self.styles.append(names["style"])
        # JSON-LD and other data blocks are not run, and CSP does not apply to them.
        runs = names.get("type") in (None, "", "text/javascript", "module")
        self._in_inline_script = tag == "script" and "src" not in names and runs

    def handle_data(self, data: str) -> None:
        if self._in_inline_script and data.strip():
            self.scripts.append(data.strip())

    def handle_endtag(self, tag: str) -> None:
        self._in_inline_script = False


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff("desk"))
    return client


@pytest.fixture
def revised_article(staff_client) -> Article:
    """An article saved twice through the admin, so it has two revisions to compare."""
    article = make_article("Japan to bet big on green hydrogen", tags=["energy"])
    for title in ("Japan to bet big on green hydrogen", "Japan to bet big on blue hydrogen"):
        current = Article.objects.get(pk=article.pk)
        response = staff_client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_admin_data(current, title=title),
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
    return article


def open_admin_page(client, name: str, article: Article):
    """One admin page of each kind, including those our own templates and apps render."""
    if name == "compare":
        first, second = sorted(Version.objects.get_for_object(article).values_list("pk", flat=True))
        url = reverse("admin:articles_article_compare", args=[article.pk])
        return client.get(url, {"version_id1": first, "version_id2": second})
    if name == "merge tags":
        make_article("Grid link", tags=["Energy policy"])
        response = client.post(
            reverse("admin:articles_tag_changelist"),
            {
                "action": "merge_selected_tags",
                "_selected_action": list(Tag.objects.values_list("pk", flat=True)),
            },
        )
        assert "Keep this tag" in response.content.decode()
        return response
    url = {
        "index": reverse("admin:index"),
        "article list": reverse("admin:articles_article_changelist"),
        "add form": reverse("admin:articles_article_add"),
        "change form": reverse("admin:articles_article_change", args=[article.pk]),
        "history": reverse("admin:articles_article_history", args=[article.pk]),
        "import": reverse("admin:articles_article_import"),
        "tidy tags": reverse("admin:articles_tag_tidy"),
        "not found": "/admin/articles/no-such-model/",
    }[name]
    return client.get(url)


ADMIN_PAGES = [
    "index",
    "article list",
    "add form",
    "change form",
    "history",
    "compare",
    "import",
    "tidy tags",
    "merge tags",
    "not found",
]


def assert_admin_policy(response) -> None:
    policy = policy_of(response)
    assert policy["script-src"] == {"'self'"}
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == {"'none'"}
    assert policy["base-uri"] == {"'self'"}
    assert policy["form-action"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["img-src"] == {"'self'"}
    assert policy["default-src"] == {"'self'"}


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_send_the_admin_policy(staff_client, revised_article, name):
    response = open_admin_page(staff_client, name, revised_article)
    assert response.status_code == (404 if name == "not found" else 200)
    assert_admin_policy(response)


def test_the_admin_sign_in_page_sends_the_admin_policy(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert_admin_policy(response)
    assert_policy_allows_inline_code(response)


def test_the_sign_in_lockout_page_sends_the_admin_policy(client):
    make_staff("desk")
    for _ in range(6):
        response = client.post(
            reverse("admin:login"), {"username": "desk", "password": "wrong-password"}
        )
    assert response.status_code == 429
    assert_admin_policy(response)
    assert_policy_allows_inline_code(response)


def assert_policy_allows_inline_code(response) -> InlineCode:
    """The page needs nothing inline that its policy refuses: `script-src 'self'` is enough
    only with no inline script or event handler, and each inline style must be allowed by its
    hash. Returns what was found inline, for further checks."""
    inline = InlineCode()
    inline.feed(response.content.decode())
    assert inline.scripts == []
    assert inline.handlers == []
    allowed = policy_of(response)["style-src"]
    # A failure names each refused style with the hash that would allow it.
    refused = {style: style_hash(style) for style in inline.styles}
    assert {style: digest for style, digest in refused.items() if digest not in allowed} == {}
    return inline


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_need_nothing_inline_that_the_policy_refuses(
    staff_client, revised_article, name
):
    inline = assert_policy_allows_inline_code(open_admin_page(staff_client, name, revised_article))
    if name == "history":
        # The one inline style the policy allows is in use here: the check above bites.
        assert inline.styles == ["visibility:hidden"]


def test_public_pages_keep_their_strict_policy(client):
    article = make_article("Rail freight via Aktau doubles")
    for url in ("/", article.get_absolute_url(), "/no-such-page/"):
        assert policy_of(client.get(url)) == PUBLIC_POLICY, url


def test_a_page_from_the_page_cache_keeps_the_public_policy(client):
    make_article("Rail freight via Aktau doubles")
    client.get("/")
    hit = client.get("/")
    assert hit[CACHE_STATUS_HEADER] == "hit"
    assert policy_of(hit) == PUBLIC_POLICY


def assert_feature_and_resource_headers(response) -> None:
    features = permissions_of(response)
    assert {feature: features.get(feature) for feature in DENIED_FEATURES} == dict.fromkeys(
        DENIED_FEATURES, "()"
    )
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_public_page_denies_powerful_features_and_other_origins(client):
    make_article("Rail freight via Aktau doubles")
    response = client.get("/")
    assert response.status_code == 200
    assert_feature_and_resource_headers(response)


def test_a_page_from_the_page_cache_has_the_headers_too(client):
    make_article("Rail freight via Aktau doubles")
    assert client.get("/")[CACHE_STATUS_HEADER] == "miss"
    hit = client.get("/")
    assert hit[CACHE_STATUS_HEADER] == "hit"
    assert_feature_and_resource_headers(hit)
    revalidated = client.get("/", headers={"if-none-match": hit["ETag"]})
    assert revalidated.status_code == 304
    assert_feature_and_resource_headers(revalidated)


def test_a_static_file_served_by_whitenoise_has_the_headers(client):
    response = client.get("/static/css/summit.css")
    assert response.status_code == 200
    assert response.streaming  # WhiteNoise's file response, not a view's
    response.close()
    assert_feature_and_resource_headers(response)


def test_a_not_found_page_has_the_headers(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_feature_and_resource_headers(response)


def test_admin_pages_have_the_headers(client):
    assert_feature_and_resource_headers(client.get(reverse("admin:login")))
    client.force_login(make_staff("desk"))
    assert_feature_and_resource_headers(client.get(reverse("admin:index")))
