"""Enter in the article form's tag box adds a tag; it never saves the article.

On a published article a save puts the edit live, so a stray Enter in the tag box must not
submit the form half-finished.
"""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.conftest import visit
from tests.factories import make_article, make_editor

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery-staple"


def sign_in(page, live_server, username: str) -> None:
    visit(page, live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_contain_text("Summit newsroom")


def tags_of(article: Article) -> set[str]:
    return set(Article.objects.get(pk=article.pk).tags.names())


def test_enter_in_the_tag_box_adds_the_tag_without_saving_the_article(live_server, watched_page):
    make_editor("desk", password=PASSWORD)
    article = make_article("Pipeline talks resume in Ashgabat", tags=["energy"])
    page = watched_page
    sign_in(page, live_server, "desk")
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    visit(page, change_url)
    posts: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))

    tag_box = page.get_by_label("Tags")
    expect(tag_box).to_have_value("energy")
    tag_box.click()
    tag_box.press("End")
    tag_box.press_sequentially(", water policy")
    tag_box.press("Enter")

    expect(tag_box).to_have_value("energy, water policy, ")
    expect(page.locator(".field-tags [aria-live]")).to_have_text("Added tag “water policy”.")
    # Enter again, now with nothing typed after the comma: still in the tag box, still unsaved.
    tag_box.press("Enter")
    page.wait_for_timeout(500)  # a submitted form would have posted by now
    assert posts == []
    assert page.url == change_url
    expect(tag_box).to_be_focused()
    saved = Article.objects.get(pk=article.pk)
    assert saved.version == article.version
    assert tags_of(article) == {"energy"}

    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert tags_of(article) == {"energy", "water policy"}
    assert Article.objects.get(pk=article.pk).version == article.version + 1


def test_enter_on_a_tag_already_in_the_box_does_not_add_it_twice(live_server, watched_page):
    make_editor("desk", password=PASSWORD)
    article = make_article("Rail freight via Kazakhstan", tags=["Energy"], published=False)
    page = watched_page
    sign_in(page, live_server, "desk")
    visit(page, f"{live_server.url}/admin/articles/article/{article.pk}/change/")

    tag_box = page.get_by_label("Tags")
    tag_box.click()
    tag_box.press("End")
    tag_box.press_sequentially(", energy")
    tag_box.press("Enter")

    expect(tag_box).to_have_value("Energy, ")
    expect(page.locator(".field-tags [aria-live]")).to_have_text("“energy” is already a tag.")
