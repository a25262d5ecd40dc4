"""An article's credit, author link and last change read the same everywhere readers see them.

`Article.author_name` (byline, else the author's profile name, full name or username, else
"Summit staff"), `Article.author_url` and `Article.last_modified` are the only definitions;
cards, the article page, RSS, Atom, JSON-LD, Open Graph and sitemaps read them.

The author page is about the person, not one article: its heading shows the account's name
(profile name first) even when an article of theirs carries another byline, while its cards
show each article's own credit.
"""

import json
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree, html

from articles.models import Article
from tests.factories import make_article, make_author, make_user

pytestmark = pytest.mark.django_db

PROFILE_NAME = "Aigerim Sadykova"
AUTHOR_PAGE = "/authors/asadykova/"


@pytest.fixture
def aigerim():
    # Full name and username both differ from the profile name, so any reader that skips the
    # profile shows something else.
    return make_author("asadykova", display_name=PROFILE_NAME, first_name="Aigerim", last_name="S.")


def tree_of(client, url: str) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def card_bylines(client, url: str, article: Article) -> list[str]:
    """The byline of `article`'s card on a list page, with its link."""
    tree = tree_of(client, url)
    cards = tree.xpath(
        f'//li[@class="card"][.//h3/a[@href="{article.get_absolute_url()}"]]/p[@class="meta"]'
    )
    assert cards, url
    return [credit_of(card) for card in cards]


def credit_of(meta: html.HtmlElement) -> str:
    link = meta.xpath('./a[@class="byline"]')
    if link:
        return f"{link[0].text_content()} <{link[0].get('href')}>"
    return meta.text_content().split(" · ")[0].removeprefix("By ").strip()


def detail_byline(client, article: Article) -> str:
    tree = tree_of(client, article.get_absolute_url())
    return credit_of(tree.xpath('//header//p[@class="meta"]')[0])


def json_ld_author(client, article: Article) -> dict:
    tree = tree_of(client, article.get_absolute_url())
    blocks = [json.loads(t) for t in tree.xpath('//script[@type="application/ld+json"]/text()')]
    (news,) = [block for block in blocks if block.get("@type") == "NewsArticle"]
    (author,) = news["author"]
    return author


def rss_creator(client) -> str:
    tree = etree.fromstring(client.get(reverse("articles:feed")).content)
    creators = tree.xpath(
        "//item/dc:creator/text()", namespaces={"dc": "http://purl.org/dc/elements/1.1/"}
    )
    (creator,) = creators
    return creator


def atom_author(client) -> tuple[str, str]:
    feed = feedparser.parse(client.get(reverse("articles:feed_atom")).content)
    (entry,) = feed.entries
    return entry.author_detail.get("name", ""), entry.author_detail.get("href", "")


def test_an_empty_byline_shows_the_profile_name_everywhere(client, aigerim):
    article = make_article("Steppe wind", author=aigerim, byline="")
    linked = f"{PROFILE_NAME} <{AUTHOR_PAGE}>"

    assert article.author_name == PROFILE_NAME
    assert card_bylines(client, reverse("articles:list"), article) == [linked]
    assert detail_byline(client, article) == linked
    assert rss_creator(client) == PROFILE_NAME
    assert atom_author(client) == (PROFILE_NAME, f"http://testserver{AUTHOR_PAGE}")
    assert json_ld_author(client, article) == {
        "@type": "Person",
        "name": PROFILE_NAME,
        "url": f"http://testserver{AUTHOR_PAGE}",
    }
    author_page = tree_of(client, AUTHOR_PAGE)
    assert author_page.xpath("//h1/text()") == [PROFILE_NAME]
    assert card_bylines(client, AUTHOR_PAGE, article) == [linked]
    assert author_page.xpath("//title/text()")[0].startswith(PROFILE_NAME)


def test_a_byline_wins_wherever_the_article_is_credited(client, aigerim):
    article = make_article("Steppe wind", author=aigerim, byline="Special correspondent")
    linked = f"Special correspondent <{AUTHOR_PAGE}>"

    assert card_bylines(client, reverse("articles:list"), article) == [linked]
    assert detail_byline(client, article) == linked
    assert rss_creator(client) == "Special correspondent"
    assert atom_author(client) == ("Special correspondent", f"http://testserver{AUTHOR_PAGE}")
    assert json_ld_author(client, article)["name"] == "Special correspondent"
    # The author page is about the person: their name heads it, the card keeps the byline.
    assert tree_of(client, AUTHOR_PAGE).xpath("//h1/text()") == [PROFILE_NAME]
    assert card_bylines(client, AUTHOR_PAGE, article) == [linked]


def test_without_a_profile_name_the_full_name_then_the_username_is_used(client):
    kenji = make_user("kenji", first_name="Kenji", last_name="Ishida")
    bare = make_user("bare")
    assert make_article("One", author=kenji).author_name == "Kenji Ishida"
    assert make_article("Two", author=bare).author_name == "bare"
    blank_profile = make_author("blank", display_name="", first_name="Bo", last_name="Lee")
    assert make_article("Three", author=blank_profile).author_name == "Bo Lee"


def test_an_article_without_author_or_byline_is_credited_to_the_newsroom(client):
    article = make_article("Desk note", byline="")
    assert article.author_url == ""
    assert card_bylines(client, reverse("articles:list"), article) == ["Summit staff"]
    assert detail_byline(client, article) == "Summit staff"
    assert rss_creator(client) == "Summit staff"
    assert atom_author(client) == ("Summit staff", "")
    assert json_ld_author(client, article) == {"@type": "Organization", "name": "Summit staff"}
    page = tree_of(client, article.get_absolute_url())
    assert not page.xpath('//meta[@property="article:author"]')


def test_the_author_link_is_the_same_in_every_reader(client, aigerim):
    article = make_article("Steppe wind", author=aigerim)
    assert article.author_url == AUTHOR_PAGE == aigerim.author_profile.get_absolute_url()
    page = tree_of(client, article.get_absolute_url())
    assert page.xpath('//meta[@property="article:author"]/@content') == [
        f"http://testserver{AUTHOR_PAGE}"
    ]


def test_last_modified_is_the_publish_time_when_that_came_after_the_last_save(client):
    # Written, then scheduled: it went live after its last save.
    article = make_article("Scheduled earlier", days_ago=1)
    saved = article.publish_at - timedelta(days=2)
    Article.objects.filter(pk=article.pk).update(updated_at=saved)
    article.refresh_from_db()
    assert article.last_modified == article.publish_at

    page = tree_of(client, article.get_absolute_url())
    (modified,) = page.xpath('//meta[@property="article:modified_time"]/@content')
    assert _same_time(modified, article.publish_at)
    blocks = [json.loads(t) for t in page.xpath('//script[@type="application/ld+json"]/text()')]
    (news,) = [block for block in blocks if block.get("@type") == "NewsArticle"]
    assert _same_time(news["dateModified"], article.publish_at)
    feed = feedparser.parse(client.get(reverse("articles:feed_atom")).content)
    assert _same_time(feed.entries[0].updated, article.publish_at)
    sitemap = etree.fromstring(client.get("/sitemap-articles.xml").content)
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    (lastmod,) = sitemap.xpath("//sm:lastmod/text()", namespaces=ns)
    assert _same_time(lastmod, article.publish_at)
    assert Article.objects.published().latest_modification() == article.publish_at


def test_a_taxonomy_page_changes_when_its_latest_article_went_live(client):
    article = make_article("Tagged", tags=["wind"], days_ago=1)
    Article.objects.filter(pk=article.pk).update(updated_at=article.publish_at - timedelta(days=3))
    sitemap = etree.fromstring(client.get("/sitemap-tags.xml").content)
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    (lastmod,) = sitemap.xpath("//sm:lastmod/text()", namespaces=ns)
    assert _same_time(lastmod, article.publish_at)


def _same_time(text: str, moment) -> bool:
    """Readers write times at second precision, as ISO 8601 or RFC 2822, in any zone."""
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = parsedate_to_datetime(text)
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed)
    return abs(parsed - moment) < timedelta(seconds=1)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_credits_cost_no_query_per_card_or_feed_item(client, settings):
    settings.ARTICLES_PER_PAGE = 30

    def add_articles(start: int, count: int) -> None:
        for number in range(start, start + count):
            # Half the authors have a profile; the other half read a cached "no profile".
            if number % 2:
                author = make_author(f"writer{number}", display_name=f"Writer {number}")
            else:
                author = make_user(f"writer{number}", first_name="Writer", last_name=str(number))
            make_article(f"Story {number}", author=author, days_ago=number + 1)

    add_articles(0, 2)
    pages = [reverse("articles:list"), "/", reverse("articles:feed"), reverse("articles:feed_atom")]
    few = {url: queries_for(client, url) for url in pages}
    add_articles(2, 12)
    many = {url: queries_for(client, url) for url in pages}
    assert few == many
