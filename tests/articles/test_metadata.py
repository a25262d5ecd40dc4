"""Sharing metadata: canonical URLs, descriptions, Open Graph, Twitter cards, JSON-LD, 304s."""

import json

import pytest
from lxml import html

from tests.factories import make_area, make_article, make_author, make_country

pytestmark = pytest.mark.django_db

HOSTILE = 'Kazakh & "Uzbek" </script><script>alert(1)</script>'


@pytest.fixture
def article():
    author = make_author("yuki", display_name="Yuki Tanabe")
    return make_article(
        "Quake drills in Almaty",
        dek="What Japan's experience offers a seismic city.",
        body="Drills.",
        countries=[make_country("Kazakhstan"), make_country("Japan")],
        areas=[make_area("Disaster response")],
        tags=["earthquakes", "JICA"],
        author=author,
        byline="Yuki Tanabe",
    )


def page(client, url: str) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def meta(tree, key: str) -> list[str]:
    return tree.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')


def json_ld(tree) -> list[dict]:
    return [json.loads(text) for text in tree.xpath('//script[@type="application/ld+json"]/text()')]


def test_article_page_has_canonical_description_open_graph_and_twitter_tags(client, article):
    tree = page(client, article.get_absolute_url() + "?utm_source=x")
    canonical = f"http://testserver{article.get_absolute_url()}"
    assert tree.xpath('//link[@rel="canonical"]/@href') == [canonical]
    assert meta(tree, "description") == [article.dek]
    assert meta(tree, "og:type") == ["article"]
    assert meta(tree, "og:title") == [article.title]
    assert meta(tree, "og:description") == [article.dek]
    assert meta(tree, "og:url") == [canonical]
    assert meta(tree, "og:image") == ["http://testserver/static/img/summit-share.png"]
    assert meta(tree, "twitter:card") == ["summary_large_image"]
    assert meta(tree, "twitter:title") == [article.title]
    # To the second, as in the page's <time datetime>: HTML allows no microseconds there.
    assert meta(tree, "article:published_time") == [
        article.publish_at.replace(microsecond=0).isoformat()
    ]
    assert meta(tree, "article:modified_time")
    assert meta(tree, "article:author") == ["http://testserver/authors/yuki/"]
    assert set(meta(tree, "article:tag")) == {"earthquakes", "JICA"}


def test_article_json_ld_is_a_news_article(client, article):
    (data,) = json_ld(page(client, article.get_absolute_url()))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["description"] == article.dek
    assert data["datePublished"].startswith(article.publish_at.isoformat()[:19])
    assert data["dateModified"]
    assert data["author"] == [
        {"@type": "Person", "name": "Yuki Tanabe", "url": "http://testserver/authors/yuki/"}
    ]
    assert data["publisher"]["name"] == "Summit"
    assert data["image"] == ["http://testserver/static/img/summit-share.png"]
    assert set(data["keywords"]) == {"earthquakes", "JICA"}
    assert {place["name"] for place in data["about"]} == {"Kazakhstan", "Japan"}
    assert all(place["@type"] == "Country" for place in data["about"])


def test_metadata_escapes_whatever_editors_type(client):
    hostile = make_article(HOSTILE, dek=HOSTILE, tags=[HOSTILE[:40]])
    response = client.get(hostile.get_absolute_url())
    content = response.content.decode()
    assert "<script>alert(1)" not in content
    tree = html.fromstring(response.content)
    assert meta(tree, "og:title") == [HOSTILE]
    assert meta(tree, "description") == [HOSTILE]
    (data,) = json_ld(tree)
    assert data["headline"] == HOSTILE
    block = tree.xpath('//script[@type="application/ld+json"]/text()')[0]
    assert "<" not in block and ">" not in block and "&" not in block


def test_taxonomy_pages_have_breadcrumb_lists(client, article):
    for url, trail in [
        ("/tags/jica/", ["Home", "Tags", "JICA"]),
        ("/countries/kazakhstan/", ["Home", "Countries", "Kazakhstan"]),
        ("/areas/disaster-response/", ["Home", "Cooperation areas", "Disaster response"]),
    ]:
        (data,) = json_ld(page(client, url))
        assert data["@type"] == "BreadcrumbList"
        items = data["itemListElement"]
        assert [item["name"] for item in items] == trail
        assert [item["position"] for item in items] == [1, 2, 3]
        assert items[0]["item"] == "http://testserver/"
        assert items[-1]["item"] == f"http://testserver{url}"


def test_home_page_describes_the_website_and_its_search(client, article):
    tree = page(client, "/")
    (data,) = json_ld(tree)
    assert data["@type"] == "WebSite"
    assert data["url"] == "http://testserver/"
    action = data["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


@pytest.mark.parametrize(
    "url",
    ["/", "/articles/", "/articles/?page=1", "/tags/", "/countries/", "/areas/", "/search/",
     "/archive/", "/tags/jica/", "/authors/yuki/"],
)  # fmt: skip
def test_every_page_has_canonical_and_sharing_tags(client, article, url):
    tree = page(client, url)
    (canonical,) = tree.xpath('//link[@rel="canonical"]/@href')
    assert canonical.startswith("http://testserver/")
    assert "?" not in canonical
    for key in ("description", "og:title", "og:description", "og:image", "og:url",
                "twitter:card"):  # fmt: skip
        assert meta(tree, key) and meta(tree, key)[0], (url, key)
    assert meta(tree, "og:image")[0].startswith("http://")


def test_later_list_pages_keep_their_page_number_in_the_canonical_url(client, settings):
    settings.ARTICLES_PER_PAGE = 1
    make_article("One")
    make_article("Two")
    tree = page(client, "/articles/?page=2&utm_source=newsletter")
    assert tree.xpath('//link[@rel="canonical"]/@href') == ["http://testserver/articles/?page=2"]


def test_repeat_article_request_is_not_modified_until_the_article_changes(client, article):
    url = article.get_absolute_url()
    first = client.get(url)
    assert first.has_header("ETag")
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    article.title = "Quake drills in Almaty, revisited"
    article.save()
    changed = client.get(url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert b"revisited" in changed.content


@pytest.mark.parametrize("number", ["²", "٣", "\uff11"])
def test_a_page_number_in_other_digits_is_not_taken_for_a_number(client, article, number):
    # str.isdigit() accepts superscripts and other scripts' digits, which int() refuses.
    tree = page(client, f"/?page={number}")
    assert tree.xpath('//link[@rel="canonical"]/@href') == ["http://testserver/"]
