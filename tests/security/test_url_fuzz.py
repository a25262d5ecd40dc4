"""Whatever a client puts in a path or a query string, the site never answers with a 5xx.

Hypothesis writes path segments and query strings (any Unicode text with control characters,
`..`, broken percent-encoding, SQL and template syntax, very long values, real slugs and ids
mixed in) and sends them to every public URL pattern of `summit/urls.py` and `articles/urls.py`,
and, signed in as a superuser, to the admin's changelists with their filters, search, ordering
and pagination. The status must stay below 500 (a 429 from a rate limit is fine), and nothing
the client sent may come back as live markup.

Examples per URL are few (`*_EXAMPLES`) so the suite stays within CI's time budget; the
`explore` profile (tests/security/conftest.py) draws fresh ones on every run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

import pytest
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponseBase
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from reversion.models import Version

from articles.models import Article, Tag
from countries.models import Country
from tests.factories import make_area, make_article, make_author, make_country, make_staff

pytestmark = pytest.mark.django_db

SEGMENT_EXAMPLES = 20
QUERY_EXAMPLES = 20
FACET_EXAMPLES = 60
ADMIN_EXAMPLES = 25

# What a reflected-markup bug would put on the page; only ever sent, so never legitimately there.
MARKER = "<script>alert(1)</script>"

# The seeded site: real values, so that hostile ones are mixed with ones that reach deep.
TAG_SLUGS = ("energy", "防災", "middle-corridor")
COUNTRY_SLUGS = ("kazakhstan", "uzbekistan")
AREA_SLUGS = ("energy", "trade")
AUTHOR = "haruka"
REAL_VALUES = (*TAG_SLUGS, *COUNTRY_SLUGS, *AREA_SLUGS, AUTHOR, "1", "2", "2026", "01", "12")

HOSTILE_VALUES = (
    "", " ", "..", "../..", "../../etc/passwd", "....//", "%", "%%", "%0", "%00", "%zz", "%ff",
    "%c0%ae%c0%ae", "%2e%2e%2f", "%u0041", "\x00", "\x7f", "\r\nSet-Cookie: x=1", "\t",
    "' OR '1'='1", "1' AND SLEEP(5)--", "1; DROP TABLE articles_article;--", '")) OR 1=1--',
    "1 UNION SELECT NULL,NULL--", "\\", "\\x00", MARKER, '"><svg onload=alert(1)>',
    "{{ 7*7 }}", "{% debug %}", "${7*7}", "-1", "0", "00", "1.5", "1e9", "NaN", "inf", "0x10",
    "9" * 30, "-" + "9" * 30, "2026", "13", "99999", "0000", "last", "true", "null", "[]",
    "\u202e", "\ufeff", "İ", "ß", "ǅ", "🙂", "\U0010ffff", "a" * 221, "x" * 3000,
    # Digits to `str.isdigit()` that `int()` refuses (²) or reads (Arabic-Indic, full-width).
    # Full-width 12 and a double-struck 1 as escapes: written out they pass for ASCII digits.
    "²", "¹²", "١٢", "\uff11\uff12", "\U0001d7d9",
)  # fmt: skip

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.sampled_from(REAL_VALUES),
    # Any Unicode text: control characters, other scripts, combining marks.
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="ascii"), max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    # Very long, from one repeated character of any kind (but a lone surrogate, which no
    # client can encode into a URL).
    st.builds(lambda char, n: char * n, st.characters(codec="utf-8"), st.integers(200, 5000)),
)
# Real values with something hostile around them reach past the first check of a view.
value = st.one_of(
    hostile_text,
    st.builds("{}{}{}".format, hostile_text, st.sampled_from(REAL_VALUES), hostile_text),
)


def mostly(real: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Real values two times in three, otherwise hostile ones: most requests then get past
    a view's first check. (`st.one_of` flattens nested choices, so repeating a branch in it
    would not weight it.)"""
    return st.integers(min_value=0, max_value=2).flatmap(lambda n: real if n else value)


def spelled_as_typed(text: str, escape: str) -> str:
    """`text` as a careless client sends it: printable ASCII raw but the characters in
    `escape` (which would end or split the part it is in).

    Raw `%`, `..`, `/`, `&` and `=` then reach Django's parsers undecoded; spaces, control
    characters and non-ASCII are still percent-encoded, since they cannot travel raw in a URL.
    """
    return quote(text, safe="".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in escape))


@st.composite
def path_segment(draw: st.DrawFn, real: tuple[str, ...] = ()) -> str:
    """One path segment, percent-encoded as a client should, or sent as typed."""
    if real:
        text = draw(st.booleans().flatmap(lambda ok: st.sampled_from(real) if ok else value))
    else:
        text = draw(value)
    if draw(st.booleans()):
        # Encoded: everything arrives in PATH_INFO as written, `/` and control characters too.
        return quote(text, safe="")
    # As typed: only what would end the path is escaped.
    return spelled_as_typed(text, escape="?#")


@st.composite
def query_string(
    draw: st.DrawFn,
    names: tuple[str, ...],
    real: Mapping[str, tuple[str, ...]] | None = None,
    *,
    made_up_names: bool = True,
    max_pairs: int = 6,
) -> str:
    """A query string of known parameters (with `real` values two times in three), made-up
    ones, repeats and broken encoding.

    `made_up_names=False` for the admin, which redirects any name it does not know to an
    error page before doing anything else: unknown names are left to a few listed ones.
    """
    name_strategy = st.sampled_from(names)
    if made_up_names:
        name_strategy = st.one_of(name_strategy, hostile_text)
    pairs = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_pairs))):
        name = draw(name_strategy)
        known = (real or {}).get(name)
        pairs.append((name, draw(mostly(st.sampled_from(known)) if known else value)))
    if draw(st.booleans()):
        return urlencode(pairs)
    return "&".join(
        f"{spelled_as_typed(k, escape='#&=')}={spelled_as_typed(v, escape='#&')}" for k, v in pairs
    )


@dataclass(frozen=True)
class Site:
    article: Article
    month: datetime
    # Real values of the admin's filters and ids, by parameter name.
    real: dict[str, tuple[str, ...]]


@pytest.fixture
def superuser_client(client: Client) -> Client:
    client.force_login(make_staff("root", password=None))
    return client


@pytest.fixture
def site() -> Site:
    """A small published site: tags, two countries, two areas, an author, revisions, a draft."""
    kazakhstan, uzbekistan = make_country("Kazakhstan"), make_country("Uzbekistan")
    energy, trade = make_area("Energy"), make_area("Trade")
    # No passwords: hashing one costs a fifth of a second, and nobody signs in with them.
    author = make_author(
        AUTHOR, display_name="Haruka Morimoto", bio="Writes on energy.", password=None
    )
    article = make_article(
        "Energy in Kazakhstan",
        countries=[kazakhstan],
        areas=[energy],
        tags=["energy", "防災"],
        author=author,
    )
    make_article(
        "Trade on the Middle Corridor",
        countries=[kazakhstan, uzbekistan],
        areas=[trade],
        tags=["middle-corridor"],
        days_ago=40,
    )
    draft = make_article("A draft", countries=[uzbekistan], tags=["secret"], published=False)
    # Two revisions, so the history and compare pages have something to show.
    editor = make_staff("desk", password=None)
    article.save_revision(user=editor, comment="First")
    article.body += "\n\nMore."
    article.save_revision(user=editor, comment="Second")

    month = timezone.localtime(article.publish_at)
    dates = (month.strftime("%Y-%m-%d"), month.strftime("%Y-%m-%d %H:%M:%S%z"), "2026-02-30")
    versions = Version.objects.get_for_object(article).values_list("pk", flat=True)
    ids = {
        "article": (article.pk, draft.pk),
        "country": (kazakhstan.pk, uzbekistan.pk),
        "area": (energy.pk, trade.pk),
        "tag": tuple(Tag.objects.values_list("pk", flat=True)),
        "version": tuple(versions),
    }
    real = {name: tuple(map(str, values)) for name, values in ids.items()} | {
        "status__exact": tuple(Article.Status.values),
        "featured__exact": ("0", "1"),
        "author__id__exact": (str(author.pk),),
        "publish_at__gte": dates,
        "publish_at__lt": dates,
        "publish_at__year": (month.strftime("%Y"),),
        "publish_at__month": (str(month.month),),
        "publish_at__day": (str(month.day),),
        "created_at__year": (month.strftime("%Y"),),
        "usage": ("unused", "drafts", "published"),
        "role__exact": tuple(Country.Role.values),
        "is_staff__exact": ("0", "1"),
        "o": ("1", "-1", "2.-1", "1.2.3", "-0", "99"),
        "p": ("0", "1", "2"),
        "q": ("energy", "Kazakhstan", "防災"),
        "e": ("1",),
        "_popup": ("1",),
        "term": ("en", "防", "energy"),
        "app_label": ("articles", "countries"),
        "model_name": ("article", "country", "cooperationarea"),
        "field_name": ("countries", "cooperation_areas", "tags"),
    }
    real["countries__id__exact"] = real["country"]
    real["cooperation_areas__id__exact"] = real["area"]
    real["tags__id__exact"] = real["tag"]
    real["version_id1"] = real["version_id2"] = real["version"]
    return Site(article=article, month=month, real=real)


_addresses = itertools.count(1)


def fresh_client_address() -> str:
    """A different client address for each request.

    Per-address rate limits (429) are fine for this test, but one address sending hundreds of
    requests would see nothing but 429s after the first few and stop reaching the views.
    """
    n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def fetch(client: Client, url: str, method: str = "get") -> HttpResponseBase:
    # The page cache would answer a repeated address without running the view again.
    cache.clear()
    send: Callable = getattr(client, method)
    return send(url, REMOTE_ADDR=fresh_client_address())


def assert_no_server_error(response: HttpResponseBase, url: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {url!r}"
    if response.get("Content-Type", "").startswith("text/html"):
        assert MARKER not in response.content.decode(errors="replace"), f"reflected in {url!r}"


# Every public pattern with a variable part (summit/urls.py, articles/urls.py): the part the
# pattern matches, and the paths around it that a hostile value could stand for.
SEGMENT_PATTERNS = (
    "/articles/{}/",
    "/articles/{}",
    "/tags/{}/",
    "/tags/{}/feed/",
    "/countries/{}/",
    "/countries/{}/feed/",
    "/areas/{}/",
    "/areas/{}/feed/",
    "/authors/{}/",
    "/authors/{}/feed/",
    "/archive/{}/",
    "/archive/2026/{}/",
    "/archive/{}/01/",
    "/preview/{}/",
    "/preview/shared/{}/",
    "/sitemap-{}.xml",
    "/static/{}",
    "/media/{}",
    "/{}",
    "/{}/",
    "/admin/{}/",
)


@pytest.mark.parametrize("pattern", SEGMENT_PATTERNS)
@settings(max_examples=SEGMENT_EXAMPLES, deadline=None)
@given(segment=path_segment(), method=st.sampled_from(("get", "head")))
def test_any_path_segment_is_answered_without_a_server_error(
    client: Client, site: Site, pattern: str, segment: str, method: str
) -> None:
    url = pattern.format(segment)
    assert_no_server_error(fetch(client, url, method), url)


signed_values = st.one_of(st.integers(), st.text(max_size=20), st.lists(st.integers(), max_size=3))


@settings(max_examples=SEGMENT_EXAMPLES, deadline=None)
@given(
    payload=signed_values,
    salt=st.sampled_from(("articles.preview.share", "", "other")),
    tamper=st.sampled_from(("none", "cut", "swap", "append")),
)
def test_signed_or_forged_share_tokens_are_answered_without_a_server_error(
    client: Client, site: Site, payload: object, salt: str, tamper: str
) -> None:
    """Tokens signed with the site's own key: well-formed, so they get past the format check."""
    token = signing.dumps(payload, salt=salt)
    if tamper == "cut":
        token = token[: len(token) // 2]
    elif tamper == "swap":
        token = token[::-1]
    elif tamper == "append":
        token += ":AAAA"
    url = f"/preview/shared/{quote(token, safe='')}/"
    assert_no_server_error(fetch(client, url), url)


PAGE_PARAMETERS = (
    "page", "q", "tag", "country", "area", "sort", "o", "year", "month", "p", "next",
)  # fmt: skip
FACET_PARAMETERS = ("tag", "tag", "country", "area", "page", "q")


# Every public page that reads a query string or might: lists, feeds, sitemaps, the sign-in
# page (`next`) and the rest.
# `{year}`, `{month}` and `{article}` are filled from the seeded site.
PUBLIC_PAGES = (
    "/",
    "/tags/",
    "/tags/energy/",
    "/tags/%E9%98%B2%E7%81%BD/",
    "/tags/energy/feed/",
    "/countries/",
    "/countries/kazakhstan/",
    "/countries/kazakhstan/feed/",
    "/areas/",
    "/areas/energy/",
    "/areas/energy/feed/",
    "/coverage/",
    f"/authors/{AUTHOR}/",
    f"/authors/{AUTHOR}/feed/",
    "/archive/",
    "/archive/{year}/",
    "/archive/{year}/{month}/",
    "/feed/",
    "/feed/atom/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
    "/robots.txt",
    "/healthz",
    "/favicon.ico",
    "/admin/login/",
    "{article}",
)


@pytest.mark.parametrize("public_page", PUBLIC_PAGES)
@settings(max_examples=QUERY_EXAMPLES, deadline=None)
@given(query=query_string(PAGE_PARAMETERS), method=st.sampled_from(("get", "get", "head")))
def test_any_query_string_on_a_public_page_is_answered_without_a_server_error(
    client: Client, site: Site, public_page: str, query: str, method: str
) -> None:
    path = public_page.format(
        year=site.month.strftime("%Y"),
        month=site.month.strftime("%m"),
        article=site.article.get_absolute_url(),
    )
    url = f"{path}?{query}"
    assert_no_server_error(fetch(client, url, method), url)


# The facet parameters reach the database (`articles.facets.Selection`): fuzzed harder.
@pytest.mark.parametrize("path", ["/articles/", "/articles/feed/", "/search/"])
@settings(max_examples=FACET_EXAMPLES, deadline=None)
@given(query=query_string(FACET_PARAMETERS))
def test_any_facet_selection_is_answered_without_a_server_error(
    client: Client, site: Site, path: str, query: str
) -> None:
    url = f"{path}?{query}"
    assert_no_server_error(fetch(client, url), url)


# Each changelist and the query parameters its filters, search, date drill-down, ordering and
# pagination read (articles/admin.py, countries/admin.py, summit/admin.py), plus the admin's
# own: `e` (error), `all`, `_popup`, `_changelist_filters`.
ADMIN_COMMON = ("q", "o", "p", "all", "e", "_popup", "_changelist_filters")
# Lookups the admin must refuse (400) or ignore: not in `list_filter`, reaching into another
# model's secrets (the classic `author__password__startswith` probe), a foreign `_to_field`.
ADMIN_FORBIDDEN = (
    "title__regex", "status__in", "author__password__startswith", "publish_at__year__gt",
    "nonexistent", "_to_field",
)  # fmt: skip
ADMIN_CHANGELISTS = {
    "/admin/articles/article/": (
        "status__exact", "featured__exact", "countries__id__exact",
        "cooperation_areas__id__exact", "tags__id__exact", "publish_at__gte", "publish_at__lt",
        "publish_at__year", "publish_at__month", "publish_at__day", "author__id__exact",
    ),
    "/admin/articles/tag/": ("usage",),
    "/admin/countries/country/": ("role__exact",),
    "/admin/countries/cooperationarea/": (),
    "/admin/articles/authorprofile/": (),
    "/admin/summit/redirect/": ("created_at__year", "created_at__month", "created_at__day"),
    "/admin/auth/user/": ("is_staff__exact", "is_superuser__exact", "groups__id__exact"),
    "/admin/articles/article/recover/": (),
    "/admin/articles/tag/autocomplete/": ("term",),
    "/admin/autocomplete/": ("term", "app_label", "model_name", "field_name", "page"),
}  # fmt: skip


# Django's autocomplete answers 403 unless it is told which form field asks; these do.
ADMIN_FIXED_PARAMETERS = {
    "/admin/autocomplete/": tuple(
        f"app_label=articles&model_name=article&field_name={field}&"
        for field in ("countries", "cooperation_areas")
    ),
}


@pytest.mark.parametrize("path", ADMIN_CHANGELISTS)
# A date filter typed without a time is read in the site's time zone; Django says so each time.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")
@settings(max_examples=ADMIN_EXAMPLES, deadline=None)
@given(data=st.data())
def test_any_admin_filter_is_answered_without_a_server_error(
    superuser_client: Client, site: Site, path: str, data: st.DataObject
) -> None:
    fixed = data.draw(st.sampled_from(("", *ADMIN_FIXED_PARAMETERS.get(path, ()))))
    names = (*ADMIN_CHANGELISTS[path], *ADMIN_COMMON)
    query = data.draw(query_string(names, site.real, made_up_names=False), label="query")
    # One refused lookup now and then: more would turn nearly every request into that 400.
    if data.draw(st.integers(min_value=0, max_value=4), label="forbidden?") == 0:
        forbidden = data.draw(st.sampled_from(ADMIN_FORBIDDEN), label="forbidden")
        query += f"&{forbidden}={quote(data.draw(value, label='forbidden value'))}"
    url = f"{path}?{fixed}{query}"
    assert_no_server_error(fetch(superuser_client, url), url)


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        ("/admin/articles/article/{}/change/", "article"),
        ("/admin/articles/article/{}/history/", "article"),
        ("/admin/articles/article/recover/{}/", "version"),
        ("/admin/countries/country/{}/change/", "country"),
        ("/admin/countries/cooperationarea/{}/history/", "area"),
        ("/preview/{}/", "article"),
    ],
)
@settings(max_examples=SEGMENT_EXAMPLES, deadline=None)
@given(data=st.data())
def test_any_object_id_in_the_admin_is_answered_without_a_server_error(
    superuser_client: Client, site: Site, pattern: str, kind: str, data: st.DataObject
) -> None:
    url = pattern.format(data.draw(path_segment(site.real[kind]), label="id"))
    assert_no_server_error(fetch(superuser_client, url), url)


@settings(max_examples=ADMIN_EXAMPLES, deadline=None)
@given(data=st.data())
def test_any_history_comparison_is_answered_without_a_server_error(
    superuser_client: Client, site: Site, data: st.DataObject
) -> None:
    versions = st.sampled_from(site.real["version"])
    pairs = [
        (name, data.draw(mostly(versions), label=name))
        for name in ("version_id1", "version_id2")
        if data.draw(st.integers(min_value=0, max_value=5), label=f"send {name}?")
    ]
    # Other parameters after them; a repeated version_id1 would hide the first (the last wins).
    extra = data.draw(query_string(("_changelist_filters", "page")), label="extra")
    url = f"/admin/articles/article/{site.article.pk}/history/compare/?{urlencode(pairs)}&{extra}"
    assert_no_server_error(fetch(superuser_client, url), url)


# PostgreSQL refuses a NUL byte in any text it is sent, where SQLite takes it: a search box or an
# object id handed to the database unchecked is a 500 on one database only. Each of them once,
# whatever the examples above happened to draw.
NUL_TARGETS = (
    "/search/?q={}",
    "/admin/articles/article/?q={}",
    "/admin/articles/tag/?q={}",
    "/admin/articles/tag/autocomplete/?term={}",
    "/admin/countries/country/?q={}",
    "/admin/countries/cooperationarea/?q={}",
    "/admin/articles/authorprofile/?q={}",
    "/admin/summit/redirect/?q={}",
    "/admin/auth/user/?q={}",
    "/admin/autocomplete/?app_label=articles&model_name=article&field_name=countries&term={}",
    "/admin/autocomplete/?app_label=articles&model_name=article&field_name=cooperation_areas"
    "&term={}",
    # Object ids: revision history (django-reversion) looks them up as text.
    "/admin/articles/article/{}/change/",
    "/admin/articles/article/{}/history/",
    "/admin/articles/tag/{}/history/",
    "/admin/countries/country/{}/history/",
    "/admin/countries/cooperationarea/{}/history/",
    "/admin/articles/article/recover/{}/",
)


@pytest.mark.parametrize("target", NUL_TARGETS)
def test_a_nul_byte_in_a_search_or_an_object_id_is_answered_without_a_server_error(
    superuser_client: Client, target: str
) -> None:
    url = target.format("1%00")
    assert_no_server_error(fetch(superuser_client, url), url)
