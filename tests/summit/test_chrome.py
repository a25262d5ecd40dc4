"""The site's chrome (summit/templatetags/chrome.py and languages.py): the header, footer, feed
links and switcher links are kept in the process once rendered, yet every page still shows its
own language, marks its own navigation link and switches to its own address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.autoreload import file_changed
from django.utils.translation import gettext

from summit.addresses import Kept

pytestmark = pytest.mark.django_db

NAV = (
    "articles:list",
    "countries:list",
    "areas:list",
    "articles:tag_list",
    "events:list",
    "coverage:matrix",
    "articles:archive",
)


def section(pattern: str, html: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return found.group(0)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def site_nav(html: str) -> str:
    return section(r'<nav class="site-nav".*?</nav>', html)


def current_links(nav: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page"', nav)


@pytest.mark.parametrize("language", ["en", "ja", "ru"])
def test_each_navigation_page_marks_its_own_link(client, language):
    with translation.override(language):
        urls = [reverse(name) for name in NAV]
    # One after the other in one process: no page may inherit the mark of the one before.
    for url in urls:
        nav = site_nav(page(client, url))
        assert current_links(nav) == [url, url], url  # the inline list and the phones' menu


def test_pages_outside_the_navigation_mark_no_link(client):
    page(client, "/articles/")
    nav = site_nav(page(client, "/"))
    assert current_links(nav) == []
    assert '<a href="/articles/">' in nav


def test_search_is_marked_in_the_phone_menu_only(client):
    nav = site_nav(page(client, "/search/"))
    assert current_links(nav) == ["/search/"]
    assert "/search/" not in section(r'<ul class="nav-inline">.*?</ul>', nav)


def test_chrome_follows_the_page_language(client):
    seen = set()
    # Back and forth, so a language's kept copy is shown again after another's.
    for language, path in (("ja", "/ja/"), ("en", "/"), ("ru", "/ru/"), ("ja", "/ja/tags/")):
        with translation.override(language):
            countries, label = reverse("countries:list"), gettext("Countries")
            feed, sections = reverse("articles:feed"), gettext("Sections")
            latest = gettext("%(SITE_NAME)s: latest articles") % {"SITE_NAME": "Summit"}
        seen.add(label)
        html = page(client, path)
        assert f'<a href="{countries}">{label}</a>' in site_nav(html)
        footer = section(r'<footer class="site-footer">.*?</footer>', html)
        assert f'<h2 id="footer-sections">{sections}</h2>' in footer
        assert f'<a href="{feed}">' in footer
        head = section(r"<head>.*?</head>", html)
        assert f'type="application/rss+xml" title="{latest}" href="{feed}">' in head
    assert len(seen) == 3  # the catalogues translate the label: the check above can tell


def test_page_feed_comes_before_the_site_feeds(client):
    head = section(r"<head>.*?</head>", page(client, "/articles/"))
    feeds = re.findall(r'<link rel="alternate" type="application/(?:rss|atom)\+xml"[^>]*>', head)
    assert [re.search(r'href="([^"]+)"', link).group(1) for link in feeds] == [
        "/articles/feed/",
        "/feed/",
        "/feed/atom/",
    ]


def test_a_changed_setting_shows_at_once(client, settings):
    page(client, "/")
    settings.SITE_NAME = "Summit Daily"
    html = page(client, "/tags/")  # another address: the page cache holds the home page
    header = section(r'<header class="site-header">.*?</header>', html)
    assert '<span class="brand-mark">◆</span> Summit Daily</span>' in header
    assert '<h2 id="footer-about">Summit Daily</h2>' in html
    assert 'title="Summit Daily: latest articles"' in html


def test_switcher_links_lead_to_each_page_itself(client):
    for path in ("/articles/", "/tags/", "/countries/", "/articles/?page=1"):
        nav = section(r'<nav class="language-switcher".*?</nav>', page(client, path))
        links = {
            code: href for href, code in re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', nav)
        }
        expected = path.replace("?", "%3F").replace("=", "%3D")
        assert links == {
            "ja": f"/language/ja/?next=/ja{expected}",
            "ru": f"/language/ru/?next=/ru{expected}",
        }, path


def test_runserver_drops_the_copies_when_a_template_changes(client, settings):
    page(client, "/")
    assert any(kept.values for kept in Kept.everyone)
    template = Path(settings.BASE_DIR) / "templates" / "includes" / "site_footer.html"
    file_changed.send(sender=None, file_path=template)
    assert not any(kept.values for kept in Kept.everyone)
