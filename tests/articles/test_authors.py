"""Author pages, linked bylines, profiles edited in the admin, and demo authors."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, AuthorProfile
from tests.factories import make_article, make_author, make_scheduled, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return make_author(
        "sino", display_name="Sino Rahimova", bio="Reports on water & <energy> from Dushanbe."
    )


def test_author_page_shows_name_bio_and_only_published_articles(client, author):
    make_article("Rogun rising", author=author, days_ago=2)
    make_article("Naryn cascade", author=author, days_ago=1)
    make_article("Unfinished", author=author, published=False)
    make_scheduled("Embargoed", author=author)
    make_article("Someone else's", days_ago=1)
    response = client.get(reverse("articles:author", kwargs={"username": "sino"}))
    assert response.status_code == 200
    assert [a.title for a in response.context["articles"]] == ["Naryn cascade", "Rogun rising"]
    content = response.content.decode()
    assert "<h1>Sino Rahimova</h1>" in content
    assert "Reports on water &amp; &lt;energy&gt; from Dushanbe." in content
    assert '<link rel="alternate" type="application/rss+xml"' in content


def test_author_page_falls_back_to_full_name_without_a_profile(client):
    user = get_user_model().objects.create_user("kenji", first_name="Kenji", last_name="Ishida")
    make_article("JICA loans", author=user)
    response = client.get(reverse("articles:author", kwargs={"username": "kenji"}))
    assert response.context["author_name"] == "Kenji Ishida"


def test_accounts_without_published_articles_have_no_author_page(client, author):
    make_article("Unfinished", author=author, published=False)
    assert client.get(reverse("articles:author", kwargs={"username": "sino"})).status_code == 404
    assert client.get("/authors/nobody/").status_code == 404
    assert client.get("/authors/not a name/").status_code == 404


def test_bylines_link_to_author_pages(client, author):
    article = make_article("Rogun rising", author=author, byline="Sino Rahimova")
    make_article("Staff piece", byline="")
    detail = client.get(article.get_absolute_url()).content.decode()
    assert '<a class="byline" href="/authors/sino/">Sino Rahimova</a>' in detail
    listing = client.get(reverse("articles:list")).content.decode()
    assert '<a class="byline" href="/authors/sino/">Sino Rahimova</a>' in listing
    assert "Summit staff" in listing


def test_authors_edit_their_own_profile_but_not_others(client, author):
    author.is_staff = True
    author.save()
    other = make_author("timur", display_name="Timur Bekov", bio="Water.")
    client.force_login(author)
    changelist = client.get(reverse("admin:articles_authorprofile_changelist"))
    assert changelist.status_code == 200
    assert [p.user for p in changelist.context["cl"].result_list] == [author]
    own = reverse("admin:articles_authorprofile_change", args=[author.author_profile.pk])
    response = client.post(own, {"display_name": "Sino R.", "bio": "New bio."})
    assert response.status_code == 302
    assert AuthorProfile.objects.get(user=author).display_name == "Sino R."
    theirs = reverse("admin:articles_authorprofile_change", args=[other.author_profile.pk])
    client.post(theirs, {"display_name": "Hacked", "bio": "Hacked."})
    assert AuthorProfile.objects.get(user=other).display_name == "Timur Bekov"
    too_long = client.post(own, {"display_name": "Sino", "bio": "x" * 601})
    assert too_long.status_code == 200
    assert too_long.context["adminform"].form.errors["bio"]


def test_an_author_without_a_profile_can_create_one_for_themselves(client):
    user = get_user_model().objects.create_user("newcomer", password="pw-123456789", is_staff=True)
    client.force_login(user)
    response = client.post(
        reverse("admin:articles_authorprofile_add"), {"display_name": "New Comer", "bio": "Hi."}
    )
    assert response.status_code == 302
    assert AuthorProfile.objects.get(user=user).display_name == "New Comer"
    assert client.get(reverse("admin:articles_authorprofile_add")).status_code == 403


def test_superusers_manage_every_profile(client, author):
    client.force_login(make_staff("chief"))
    changelist = client.get(reverse("admin:articles_authorprofile_changelist"))
    assert author.author_profile in changelist.context["cl"].result_list


def test_load_demo_gives_demo_articles_authors_and_stays_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    article = Article.objects.get(slug="central-asia-japan-dialogue-summit")
    assert article.author.username == "haruka-morimoto"
    assert article.author.author_profile.display_name == "Haruka Morimoto"
    assert article.author.author_profile.bio
    assert not article.author.has_usable_password()
    users = get_user_model().objects.count()
    # An article loaded before demo authors existed gets its author on the next run.
    Article.objects.filter(pk=article.pk).update(author=None)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert get_user_model().objects.count() == users
    assert Article.objects.get(pk=article.pk).author.username == "haruka-morimoto"
    assert not Article.objects.filter(byline="", author__isnull=False).exists()


def test_cards_read_each_credited_account_once_per_content_generation(
    django_assert_num_queries,
):
    from articles.models import cards

    writer = make_author("writer", display_name="Aigerim S.")
    plain = make_author("plain", first_name="Kenji", last_name="Sato")
    articles = [make_article("One", author=writer), make_article("Two", author=plain)]
    page = list(Article.objects.filter(pk__in=[a.pk for a in articles]).order_by("title"))
    cards(page)
    assert [article.author_name for article in page] == ["Aigerim S.", "Kenji Sato"]
    assert page[0].author_url == "/authors/writer/"
    # The password hash is not part of a credit, so no process keeps it.
    assert "password" in page[0].author.get_deferred_fields()

    again = list(Article.objects.filter(pk__in=[a.pk for a in articles]).order_by("title"))
    with django_assert_num_queries(1):  # the links; accounts, profiles and places are kept
        cards(again)
        assert [article.author_name for article in again] == ["Aigerim S.", "Kenji Sato"]

    # An edit to a profile moves the content generation: the next page shows it.
    profile = AuthorProfile.objects.get(user=writer)
    profile.display_name = "A. Seitkali"
    profile.save()
    renamed = list(Article.objects.filter(pk=articles[0].pk))
    cards(renamed)
    assert renamed[0].author_name == "A. Seitkali"
