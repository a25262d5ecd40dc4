"""`ArticleImage` follows each article's body: the write path links the images it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.body import image_ids_in
from articles.models import Article, ArticleImage
from tests.factories import article_admin_data, make_article, make_editor
from tests.media_library.factories import make_image

pytestmark = pytest.mark.django_db


def linked(article: Article) -> set[int]:
    return set(ArticleImage.objects.filter(article=article).values_list("image_id", flat=True))


def test_saving_links_the_images_the_body_shows_and_only_existing_ones():
    first, second = make_image("First"), make_image("Second")
    article = make_article()
    article.body = (
        f'![a](image:{first.pk})\n\nText ![b](image:{second.pk} "Caption") text.\n\n'
        f"![gone](image:999999)\n\n![again](image:{first.pk})"
    )
    article.save_revision(user=None, comment="Pictures")
    assert linked(article) == {first.pk, second.pk}


def test_taking_an_image_out_of_the_body_unlinks_it():
    first, second = make_image("First"), make_image("Second")
    article = make_article(body=f"![a](image:{first.pk})\n\n![b](image:{second.pk})")
    article.save_revision(user=None)
    article.body = f"Only ![b](image:{second.pk}) now."
    article.save_revision(user=None)
    assert linked(article) == {second.pk}
    article.body = "No pictures."
    article.save_revision(user=None)
    assert linked(article) == set()


def test_references_in_code_are_not_images():
    image = make_image()
    assert image_ids_in(f"`![a](image:{image.pk})`\n\n    ![b](image:{image.pk})") == set()
    assert image_ids_in(f'<img src="image:{image.pk}">') == {image.pk}
    assert image_ids_in(f"![a][pic]\n\n[pic]: image:{image.pk}") == {image.pk}


def test_saving_through_the_admin_links_the_images(client):
    client.force_login(make_editor("desk"))
    image = make_image()
    response = client.post(
        reverse("admin:articles_article_add"),
        article_admin_data(
            title="Pictured", body=f'Intro.\n\n![Turbines](image:{image.pk} "Ereymentau")'
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(title="Pictured")
    assert linked(article) == {image.pk}


def test_a_save_without_images_costs_one_query_of_the_links():
    article = make_article(body="Plain.")
    article.save_revision(user=None)
    article.body = "Still plain."
    with CaptureQueriesContext(connection) as plain:
        article.save_revision(user=None)
    assert sum("articleimage" in query["sql"].lower() for query in plain.captured_queries) == 1


def test_deleting_an_article_unlinks_its_images():
    image = make_image()
    article = make_article(body=f"![a](image:{image.pk})")
    article.save_revision(user=None)
    Article.objects.filter(pk=article.pk).delete_with_history(user=None)
    assert not ArticleImage.objects.filter(image=image).exists()
    image.delete()  # nothing protects it any more
