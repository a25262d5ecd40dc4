"""History comparisons show an article's title, standfirst and body changed word by word."""

import time

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.history import word_diff
from articles.models import Article
from tests.factories import article_admin_data, make_article, make_country

pytestmark = pytest.mark.django_db


def test_a_changed_word_is_removed_and_added_whole():
    html = word_diff("bet big on green hydrogen", "bet big on blue hydrogen")
    assert html == (
        '<div class="word-diff">bet big on <del>green</del><ins>blue</ins> hydrogen</div>'
    )


def test_numbers_change_as_whole_tokens():
    assert "<del>3500</del><ins>3600</ins> MW" in word_diff("3500 MW", "3600 MW")
    assert "<del>3,500</del><ins>3,600</ins>" in word_diff("3,500 tonnes", "3,600 tonnes")
    assert "<del>1.5</del><ins>2.5</ins>" in word_diff("1.5 billion", "2.5 billion")


def test_html_in_the_text_is_escaped():
    html = word_diff("a <b>bold</b> move", 'a <script>alert("x")</script> move')
    assert "<b>" not in html
    assert "<script>" not in html
    assert html == (
        '<div class="word-diff">a &lt;<del>b</del><ins>script</ins>&gt;<del>bold</del>'
        "<ins>alert(&quot;x&quot;)</ins>&lt;/<del>b</del><ins>script</ins>&gt; move</div>"
    )


def test_unchanged_text_line_breaks_and_spacing_are_kept():
    old = "First paragraph.\n\nSecond  paragraph, two spaces."
    new = "First paragraph.\n\nSecond  paragraph, still two spaces."
    html = word_diff(old, new)
    assert html == (
        '<div class="word-diff">First paragraph.\n\nSecond  paragraph, '
        "<ins>still </ins>two spaces.</div>"
    )


def test_a_long_body_with_one_change_is_diffed_quickly():
    sentence = "Train {} carries freight from China to Europe across the Caspian. "
    old = "\n\n".join(
        "".join(sentence.format(5 * n + k) for k in range(5)) for n in range(400)
    )  # 26,000 words
    new = old.replace("Train 1001 carries", "Train 1001 now carries")
    started = time.perf_counter()
    html = word_diff(old, new)
    assert time.perf_counter() - started < 2
    assert html.count("<ins>") == 1
    assert "<del>" not in html
    assert "Train 1001 <ins>now </ins>carries" in html


def test_the_compare_page_shows_title_standfirst_and_body_word_by_word(editor):
    article = make_article(
        "Japan to bet big on green hydrogen",
        dek="A 3500 MW plan.",
        body="Tokyo <b>will</b> fund it.",
    )
    for changes in (
        {},
        {
            "title": "Japan to bet big on blue hydrogen",
            "dek": "A 3600 MW plan.",
            "body": "Tokyo <b>may</b> fund it.",
        },
    ):
        current = Article.objects.get(pk=article.pk)
        response = editor.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_admin_data(current, **changes),
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
    first, second = sorted(Version.objects.get_for_object(article).values_list("pk", flat=True))
    response = editor.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version_id1": first, "version_id2": second},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Japan to bet big on <del>green</del><ins>blue</ins> hydrogen" in page
    assert "A <del>3500</del><ins>3600</ins> MW plan." in page
    assert "Tokyo &lt;b&gt;<del>will</del><ins>may</ins>&lt;/b&gt; fund it." in page
    assert "articles/css/history_diff.css" in page
    # Untouched links are not listed (reversion-compare alone shows them as "add: None").
    assert "primary country" not in page


def test_the_compare_page_lists_a_changed_primary_country(editor):
    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan")
    article = make_article("Two neighbours", countries=[kz, uz])
    for primary in (kz, uz):
        current = Article.objects.get(pk=article.pk)
        response = editor.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_admin_data(current, primary_country=primary.pk),
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
    first, second = sorted(Version.objects.get_for_object(article).values_list("pk", flat=True))
    response = editor.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version_id1": first, "version_id2": second},
    )
    page = response.content.decode()
    assert "primary country" in page
    assert "primary cooperation area" not in page
