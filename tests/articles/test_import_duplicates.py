# ruff: noqa: RUF001 — the titles use typographic quotes, dashes and Cyrillic on purpose.
"""A text whose title reads like an existing article's is a likely duplicate, not a new article."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.importing import import_text, normalise_title, same_title_article
from articles.models import Article
from tests.articles.test_import import run
from tests.factories import make_article

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:articles_article_import"
EXISTING_TITLE = "Japan, Kazakhstan sign deal"
# Another slug ("japankazakhstan-sign-deal"), the same words once case and punctuation go.
VARIANT = "JAPAN–KAZAKHSTAN SIGN “DEAL”!\n\nTokyo and Astana agreed on a rail link.\n"


@pytest.fixture
def existing():
    return make_article(EXISTING_TITLE, published=False)


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


# Normalising titles


@pytest.mark.parametrize(
    "first, second",
    [
        ("Japan, Kazakhstan sign deal", "japan–kazakhstan   sign deal!"),
        ("“Patient money” — Japan’s bet…", '"Patient Money" - JAPAN\'S BET'),
        ("Япония и Казахстан подписали «соглашение»", "ЯПОНИЯ И КАЗАХСТАН ПОДПИСАЛИ „СОГЛАШЕНИЕ“"),
        ("日本・カザフスタン、協定に署名", "「日本」カザフスタン　協定に署名。"),
        ("ＬＮＧ deal", "LNG Deal"),
    ],
)
def test_titles_differing_in_case_punctuation_or_width_normalise_alike(first, second):
    assert normalise_title(first) == normalise_title(second)


@pytest.mark.parametrize(
    "first, second",
    [
        ("Japan, Kazakhstan sign deal", "Japan, Kazakhstan sign deals"),
        ("Japan–Kazakhstan deal", "JapanKazakhstan deal"),
        ("Central Asia + Japan summit", "Central Asia – Japan summit"),  # symbols are kept
    ],
)
def test_titles_with_other_words_do_not_normalise_alike(first, second):
    assert normalise_title(first) != normalise_title(second)


def test_the_lookup_finds_a_title_of_any_status_among_similar_ones():
    make_article("Japan and Kazakhstan sign a deal")
    make_article("Kazakhstan sign deal with Japan")
    draft = make_article("Японія; ЯПОНИЯ и Казахстан — сделка", published=False)
    published = make_article(EXISTING_TITLE)
    assert same_title_article("japan–kazakhstan sign deal") == published
    assert same_title_article("японія, япония и казахстан: «СДЕЛКА»") == draft
    assert same_title_article("Japan, Kazakhstan sign another deal") is None


def test_the_lookup_takes_symbols_in_words_literally():
    coders = make_article("Tashkent's C++ coders win a $5bn [deal]")
    make_article("Tashkent's Cxx coders win a 5bn deal")
    assert same_title_article("TASHKENT’S C++ CODERS WIN A $5BN DEAL") == coders


def test_the_lookup_is_one_query(django_assert_num_queries):
    for number in range(20):
        make_article(f"Kazakhstan story {number}")
    with django_assert_num_queries(1):
        assert same_title_article("Kazakhstan story 7") is not None


# The importer


def test_an_import_with_a_case_and_punctuation_variant_title_is_a_duplicate(existing):
    result = import_text(VARIANT)
    assert result.outcome == "duplicate"
    assert result.article == existing
    assert result.describe() == (
        "an article with this title exists: “Japan, Kazakhstan sign deal” "
        "(draft, japan-kazakhstan-sign-deal)"
    )
    assert Article.objects.count() == 1


def test_an_edited_slug_does_not_hide_the_duplicate():
    make_article("Grid upgrade in Astana", slug="astana-grid")
    assert import_text("grid upgrade in astana\n\nBody.\n").outcome == "duplicate"


def test_force_imports_the_duplicate_as_a_new_article(existing):
    result = import_text(VARIANT, force=True)
    assert result.outcome == "created"
    assert result.article != existing
    assert result.article.slug == "japankazakhstan-sign-deal"
    assert Article.objects.count() == 2


def test_the_same_slug_is_still_the_same_article_not_a_duplicate(existing):
    result = import_text(f"{EXISTING_TITLE}\n\nNew body.\n", update=True)
    assert (result.outcome, result.article) == ("updated", existing)


# The command


def test_command_refuses_a_duplicate_and_exits_non_zero(existing, tmp_path):
    story = tmp_path / "story.md"
    story.write_text(VARIANT)
    fresh = tmp_path / "fresh.md"
    fresh.write_text("Uzbek cotton goes digital\n\nTashkent.\n")
    out, err, error = run(str(story), str(fresh))
    assert error is not None
    assert "1 of 2 files not imported as likely duplicates (--force imports them)" in str(error)
    assert err == (
        f"duplicate  {story}: an article with this title exists: “Japan, Kazakhstan sign deal” "
        f"(draft, {change_url(existing)}); use --force to import anyway\n"
    )
    assert out.startswith("created") and "fresh.md → uzbek-cotton-goes-digital" in out
    assert set(Article.objects.values_list("title", flat=True)) == {
        EXISTING_TITLE,
        "Uzbek cotton goes digital",
    }


def test_command_with_force_imports_the_duplicate(existing, tmp_path):
    story = tmp_path / "story.md"
    story.write_text(VARIANT)
    out, err, error = run(str(story), "--force")
    assert error is None, err
    assert out.startswith("created") and "→ japankazakhstan-sign-deal" in out
    assert Article.objects.count() == 2


def test_command_reports_failures_and_duplicates_together(existing, tmp_path):
    story = tmp_path / "story.md"
    story.write_text(VARIANT)
    _, err, error = run(str(story), str(tmp_path / "missing.md"))
    assert str(error) == (
        "1 of 2 files failed; 1 of 2 files not imported as likely duplicates "
        "(--force imports them)."
    )
    assert [line.split()[0] for line in err.splitlines()] == ["duplicate", "error"]


# The admin's Import from text


def test_import_page_refuses_a_duplicate_and_links_the_existing_article(editor, existing):
    response = editor.post(reverse(IMPORT_URL), {"text": VARIANT})
    assert response.status_code == 200
    form = response.context["form"]
    assert "force" in form.errors
    page = response.content.decode()
    assert "An article with this title already exists" in page
    assert f'<a href="{change_url(existing)}">“Japan, Kazakhstan sign deal”</a> (draft)' in page
    assert 'name="force"' in page
    assert "JAPAN–KAZAKHSTAN" in page  # the pasted text is kept for a second try
    assert Article.objects.count() == 1


def test_import_page_asks_for_the_file_again_after_a_duplicate_upload(editor, existing):
    upload = SimpleUploadedFile("story.md", VARIANT.encode(), "text/markdown")
    response = editor.post(reverse(IMPORT_URL), {"upload": upload})
    assert "and choose the file again" in response.content.decode()
    assert Article.objects.count() == 1


def test_import_anyway_creates_the_second_article(editor, existing):
    response = editor.post(reverse(IMPORT_URL), {"text": VARIANT, "force": "on"})
    article = Article.objects.exclude(pk=existing.pk).get()
    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    assert article.title == "JAPAN–KAZAKHSTAN SIGN “DEAL”!"


def test_import_page_still_imports_a_new_title(editor, existing):
    response = editor.post(reverse(IMPORT_URL), {"text": "Uzbek cotton goes digital\n\nBody.\n"})
    assert response.status_code == 302
    assert Article.objects.count() == 2
