# ruff: noqa: RUF001 — the texts use typographic quotes and dashes on purpose.
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.suggestions import suggest
from countries.models import Country
from tests.factories import make_area, make_article, make_country, make_staff, make_user

pytestmark = pytest.mark.django_db

ADD_URL = "admin:articles_article_add"
IMPORT_URL = "admin:articles_article_import"

BODY = (
    "Kazakh engineers near Astana are building renewable energy parks, and Japan’s lenders "
    "are watching. Solar panels line the steppe; more solar farms are planned."
)


@pytest.fixture
def desk(client):
    client.force_login(make_staff("desk"))
    return client


@pytest.fixture
def taxonomy(db):
    return {
        "kz": make_country("Kazakhstan", code="KZ", aliases="Kazakh\nAstana"),
        "jp": make_country("Japan", code="JP", aliases="Japanese\nTokyo"),
        "uz": make_country("Uzbekistan", code="UZ", aliases="Uzbek\nTashkent"),
        "energy": make_area("Energy", keywords="renewable energy\nsolar"),
        "health": make_area("Health", keywords="hospital"),
    }


def form_data(**overrides) -> dict:
    data = {
        "title": "Steppe solar",
        "slug": "",
        "language": "en",
        "dek": "",
        "body": BODY,
        "status": "draft",
        "publish_at_0": timezone.localdate().isoformat(),
        "publish_at_1": "09:00:00",
        "byline": "",
        "lead_image_alt": "",
        "lead_image_credit": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def form_of(response):
    return response.context["adminform"].form


def initial_ids(form, name) -> set[int]:
    return {int(pk) for pk in form.initial.get(name) or []}


def test_article_form_offers_suggest_from_text_and_import(desk):
    page = desk.get(reverse(ADD_URL))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="_suggest"' in content
    assert reverse(IMPORT_URL) in content


def test_suggest_on_a_new_article_prefills_everything_without_saving(desk, taxonomy):
    make_article("Older", tags=["solar"])
    response = desk.post(reverse(ADD_URL), form_data(_suggest="1"))
    assert response.status_code == 200
    assert Article.objects.filter(title="Steppe solar").count() == 0
    form = form_of(response)
    assert initial_ids(form, "countries") == {taxonomy["kz"].pk, taxonomy["jp"].pk}
    assert initial_ids(form, "cooperation_areas") == {taxonomy["energy"].pk}
    assert "solar" in form.initial["tags"]
    assert form.initial["body"] == BODY
    assert form.initial["title"] == "Steppe solar"
    content = response.content.decode()
    # The evidence: the words quoted with the match marked, and the spellings counted.
    assert "<mark>Astana</mark>" in content
    assert "Kazakh, Astana" in content or "Astana, Kazakh" in content
    assert "these were filled in" in content
    assert "Kazakhstan" in content and "Energy" in content


def test_the_prefilled_form_saves_as_shown(desk, taxonomy):
    response = desk.post(reverse(ADD_URL), form_data(_suggest="1"))
    form = form_of(response)
    saved = desk.post(
        reverse(ADD_URL),
        form_data(
            countries=form.initial["countries"],
            cooperation_areas=form.initial["cooperation_areas"],
        ),
    )
    assert saved.status_code == 302
    article = Article.objects.get(title="Steppe solar")
    assert {c.name for c in article.countries.all()} == {"Kazakhstan", "Japan"}


def test_suggest_never_changes_choices_already_made(desk, taxonomy):
    article = make_article("Steppe solar", countries=[taxonomy["uz"]], body="Old body.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = desk.post(
        url,
        form_data(
            slug=article.slug,
            countries=[taxonomy["uz"].pk],
            loaded_version=article.version,
            _suggest="1",
        ),
    )
    assert response.status_code == 200
    form = form_of(response)
    assert initial_ids(form, "countries") == {taxonomy["uz"].pk}
    assert not initial_ids(form, "cooperation_areas")
    content = response.content.decode()
    assert "these were filled in" not in content
    # Offered instead, ticked, ready for one click.
    assert f'name="assistant_country" value="{taxonomy["kz"].pk}"' in content
    assert 'name="_apply_suggestions"' in content
    article.refresh_from_db()
    assert article.body == "Old body."
    assert list(article.countries.all()) == [taxonomy["uz"]]


def test_suggest_reads_the_unsaved_text_in_the_form(desk, taxonomy):
    article = make_article("Plain", body="Nothing to see.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = desk.post(
        url,
        form_data(
            title="Plain",
            slug=article.slug,
            body="A new hospital in Tashkent.",
            loaded_version=article.version,
            _suggest="1",
        ),
    )
    form = form_of(response)
    assert initial_ids(form, "countries") == {taxonomy["uz"].pk}
    assert initial_ids(form, "cooperation_areas") == {taxonomy["health"].pk}
    assert form.initial["body"] == "A new hospital in Tashkent."
    # The version the editor started from travels along, so the edit guard still works.
    assert str(form.initial["loaded_version"]) == str(article.version)


def test_apply_adds_the_ticked_suggestions_to_the_form_and_keeps_the_rest(desk, taxonomy):
    article = make_article("Steppe solar", countries=[taxonomy["uz"]], tags=["grid"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = desk.post(
        url,
        form_data(
            slug=article.slug,
            countries=[taxonomy["uz"].pk],
            tags=["grid"],
            loaded_version=article.version,
            assistant_country=[taxonomy["kz"].pk, taxonomy["health"].pk],
            assistant_area=[taxonomy["energy"].pk],
            assistant_tag=["Solar panels", "not suggested"],
            _apply_suggestions="1",
        ),
    )
    assert response.status_code == 200
    form = form_of(response)
    # Japan was suggested but not ticked; a forged id that was never suggested is ignored.
    assert initial_ids(form, "countries") == {taxonomy["uz"].pk, taxonomy["kz"].pk}
    assert initial_ids(form, "cooperation_areas") == {taxonomy["energy"].pk}
    assert "grid" in form.initial["tags"]
    assert "not suggested" not in form.initial["tags"]
    assert "Added to the form" in response.content.decode()
    article.refresh_from_db()
    assert list(article.countries.all()) == [taxonomy["uz"]]
    assert list(article.cooperation_areas.all()) == []


def test_suggestions_need_permission_to_change_the_article(client, taxonomy):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    article = make_article("Locked", body="Astana.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, form_data(title="Locked", _suggest="1"))
    assert response.status_code == 403
    assert 'name="_suggest"' not in client.get(url).content.decode()


def test_suggest_for_a_missing_article_is_not_an_error(desk, taxonomy):
    url = reverse("admin:articles_article_change", args=[99999])
    response = desk.post(url, form_data(_suggest="1"))
    assert response.status_code == 302


# Import from text


def test_import_page_creates_a_draft_and_opens_it(desk, taxonomy):
    assert desk.get(reverse(IMPORT_URL)).status_code == 200
    text = "Steppe solar\r\n\r\nSteppe solar\r\n\r\n" + BODY + "\r\n\r\nTags: solar, steppe\r\n"
    response = desk.post(reverse(IMPORT_URL), {"text": text})
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.status == Article.Status.DRAFT
    assert article.title == "Steppe solar"
    assert article.body.startswith("Kazakh engineers")
    assert "Japan’s lenders" in article.body
    assert set(article.tags.names()) == {"solar", "steppe"}
    assert {c.name for c in article.countries.all()} == {"Kazakhstan", "Japan"}
    assert article.author.username == "desk"
    page = desk.get(response["Location"])
    assert "Imported “Steppe solar”" in page.content.decode()


def test_import_page_accepts_an_uploaded_markdown_file(desk, taxonomy):
    upload = SimpleUploadedFile("story.md", f"# Steppe solar\n\n{BODY}\n".encode(), "text/markdown")
    response = desk.post(reverse(IMPORT_URL), {"upload": upload})
    assert response.status_code == 302
    assert Article.objects.get().title == "Steppe solar"


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Paste a text or upload a file."),
        ({"text": "   \n  "}, "Paste a text or upload a file."),
        (
            {"text": "Title\n\nBody", "upload": SimpleUploadedFile("a.md", b"Other\n\nBody")},
            "not both",
        ),
        ({"upload": SimpleUploadedFile("photo.png", b"\x89PNG\r\n")}, "Choose a .txt"),
        ({"upload": SimpleUploadedFile("a.txt", b"\x00\x01binary")}, "a.txt: binary file"),
        ({"upload": SimpleUploadedFile("a.txt", "Café".encode("latin-1"))}, "not UTF-8"),
        ({"upload": SimpleUploadedFile("a.txt", b"")}, "The submitted file is empty."),
        ({"text": "x" * 300 + "\n\nBody"}, "a title has at most 200"),
    ],
)
def test_import_page_explains_what_it_cannot_import(desk, data, message):
    response = desk.post(reverse(IMPORT_URL), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_importing_the_same_text_again_opens_the_existing_article(desk, taxonomy):
    text = f"Steppe solar\n\n{BODY}\n"
    first = desk.post(reverse(IMPORT_URL), {"text": text})
    again = desk.post(reverse(IMPORT_URL), {"text": text}, follow=True)
    assert Article.objects.count() == 1
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "was imported before from the same text" in again.content.decode()

    changed = desk.post(reverse(IMPORT_URL), {"text": text + "\nOne more line.\n"}, follow=True)
    assert "Nothing was changed" in changed.content.decode()
    assert "One more line" not in Article.objects.get().body

    desk.post(reverse(IMPORT_URL), {"text": text + "\nOne more line.\n", "update": "on"})
    assert "One more line" in Article.objects.get().body
    assert Article.objects.count() == 1


def test_publishing_on_import_needs_the_publish_permission(client, taxonomy):
    contributor = make_user("contributor", is_staff=True)
    contributor.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_article", "change_article", "view_article"])
    )
    client.force_login(contributor)
    page = client.get(reverse(IMPORT_URL))
    assert 'name="publish"' not in page.content.decode()
    client.post(reverse(IMPORT_URL), {"text": f"Steppe solar\n\n{BODY}", "publish": "on"})
    assert Article.objects.get().status == Article.Status.DRAFT


def test_an_editor_may_publish_on_import_through_the_checklist(desk, taxonomy):
    page = desk.post(
        reverse(IMPORT_URL), {"text": f"Steppe solar\n\n{BODY}", "publish": "on"}, follow=True
    )
    # A text has no standfirst, so the checklist keeps it a draft and the message says why.
    assert not Article.objects.published().exists()
    assert Article.objects.get().status == Article.Status.DRAFT
    assert "not published, the checklist found" in page.content.decode()
    assert "standfirst" in page.content.decode()


def test_import_page_needs_the_add_permission(client):
    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert client.post(reverse(IMPORT_URL), {"text": "A\n\nB"}).status_code == 403
    assert not Article.objects.exists()


def test_tag_suggestions_are_existing_tags_then_recurring_phrases(taxonomy):
    from articles.suggestions import suggest_tags

    make_article("Older", tags=["Caspian", "grid"])
    text = (
        "The Middle Corridor crosses the Caspian. Traders in Astana say the Middle Corridor "
        "needs ports; Kazakhstan wants critical minerals processed at home, and critical "
        "minerals need power. The Middle Corridor is slow. Kazakhstan, Kazakhstan."
    )
    suggestions = suggest_tags(text)
    assert [(t.name, t.existing) for t in suggestions[:1]] == [("Caspian", True)]
    new = [t.name for t in suggestions if not t.existing]
    assert new[:2] == ["Middle Corridor", "critical minerals"]
    assert "Kazakhstan" not in new  # a country is a country, not a tag
    assert "grid" not in [t.name for t in suggestions]  # not in the text
    assert suggestions[1].snippet.text == "Middle Corridor"


# Language: suggestions and imports of Japanese or Russian copy set the article's language.

JAPANESE_BODY = "カザフスタンの首都アスタナ近郊で、日本の銀行が太陽光発電所に融資する。"


@pytest.fixture
def translated_names(taxonomy):
    Country.objects.filter(pk=taxonomy["kz"].pk).update(name_ja="カザフスタン", name_ru="Казахстан")
    Country.objects.filter(pk=taxonomy["jp"].pk).update(name_ja="日本", name_ru="Япония")
    return taxonomy


def test_suggestions_include_the_language_of_the_text(translated_names):
    assert suggest(JAPANESE_BODY).language == Article.Language.JAPANESE
    assert suggest("Визит в Казахстан и переговоры в Астане.").language == "ru"
    assert suggest(BODY).language == Article.Language.ENGLISH


def test_suggest_selects_the_language_of_japanese_copy(desk, translated_names):
    response = desk.post(
        reverse(ADD_URL), form_data(title="太陽光発電", body=JAPANESE_BODY, _suggest="1")
    )
    form = form_of(response)
    assert form.initial["language"] == "ja"
    assert initial_ids(form, "countries") == {translated_names["kz"].pk, translated_names["jp"].pk}
    content = response.content.decode()
    assert "The text is written in <strong>Japanese</strong>" in content
    assert 'name="assistant_language"' not in content  # already in the form
    assert not Article.objects.exists()


def test_suggest_on_english_copy_leaves_the_language_alone(desk, taxonomy):
    response = desk.post(reverse(ADD_URL), form_data(_suggest="1"))
    assert form_of(response).initial["language"] == "en"
    content = response.content.decode()
    assert "The text is written in" not in content
    assert '<strong>English</strong> <span class="assistant-badge">in the form' in content


def test_another_chosen_language_is_only_offered_and_apply_sets_it(desk, translated_names):
    data = form_data(title="太陽光発電", body=JAPANESE_BODY, language="ru")
    response = desk.post(reverse(ADD_URL), {**data, "_suggest": "1"})
    assert form_of(response).initial["language"] == "ru"
    content = response.content.decode()
    assert 'name="assistant_language" value="ja"' in content
    assert 'name="_apply_suggestions"' in content

    applied = desk.post(
        reverse(ADD_URL), {**data, "assistant_language": "ja", "_apply_suggestions": "1"}
    )
    assert form_of(applied).initial["language"] == "ja"
    assert "Added to the form: <strong>Japanese" in applied.content.decode()
    unticked = desk.post(reverse(ADD_URL), {**data, "_apply_suggestions": "1"})
    assert form_of(unticked).initial["language"] == "ru"


def test_a_translations_language_is_offered_not_changed(desk, translated_names):
    original = make_article("Steppe solar original", language="en")
    data = form_data(title="太陽光発電", body=JAPANESE_BODY, translation_of=original.pk)
    response = desk.post(reverse(ADD_URL), {**data, "_suggest": "1"})
    assert form_of(response).initial["language"] == "en"
    assert 'name="assistant_language" value="ja"' in response.content.decode()


def test_import_page_gives_the_article_the_language_of_the_text(desk, translated_names):
    text = f"太陽光発電\n\n{JAPANESE_BODY}\n"
    response = desk.post(reverse(IMPORT_URL), {"text": text}, follow=True)
    article = Article.objects.get()
    assert article.language == Article.Language.JAPANESE
    assert set(article.countries.all()) == {translated_names["kz"], translated_names["jp"]}
    assert "draft in Japanese" in response.content.decode()


def test_import_page_explains_why_an_update_cannot_change_a_translations_language(
    desk, translated_names
):
    original = make_article("太陽光発電", language="ja")
    translation = make_article("Steppe solar", language="en", translation_of=original)
    text = f"Steppe solar\n\n{JAPANESE_BODY}\n"
    response = desk.post(reverse(IMPORT_URL), {"text": text, "update": "on"})
    assert response.status_code == 200
    assert (
        "The language cannot become Japanese: the original is already in Japanese."
        in response.content.decode()
    )
    translation.refresh_from_db()
    assert (translation.language, translation.body) == ("en", "Body text of Steppe solar.")
