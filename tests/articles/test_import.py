# ruff: noqa: RUF001 — the texts use typographic quotes, dashes and Cyrillic on purpose.
import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.importing import ImportFailed, decode, import_text, parse
from articles.models import Article
from countries.models import Country
from tests.factories import make_area, make_article, make_country

WIRE_STORY = """\

Kazakh wind farms court Japanese lenders

Kazakh wind farms court Japanese lenders

ASTANA — Developers on the steppe say “patient money” from Tokyo could double the
country’s renewable energy capacity… if the grid keeps up.

A second paragraph mentions the railway to Aktau.

Tags
wind power
Energy transition, Kazakhstan
"""


@pytest.fixture
def taxonomy(db):
    make_country("Kazakhstan", code="KZ", aliases="Kazakh\nAstana\nAktau")
    make_country("Japan", code="JP", aliases="Japanese\nTokyo")
    make_area("Energy", keywords="renewable energy\nwind power")
    make_area("Infrastructure", keywords="railway")
    make_area("Health", keywords="hospital")


# Parsing


def test_first_line_is_the_title_and_a_repeated_title_line_is_dropped():
    parsed = parse(WIRE_STORY)
    assert parsed.title == "Kazakh wind farms court Japanese lenders"
    assert parsed.body.startswith("ASTANA — Developers")
    assert "lenders" not in parsed.body.split("\n")[0]
    assert parsed.body.endswith("railway to Aktau.\n")


def test_trailing_tags_section_becomes_tags_and_leaves_the_body():
    parsed = parse(WIRE_STORY)
    assert parsed.tags == ("wind power", "Energy transition", "Kazakhstan")
    assert "Tags" not in parsed.body


def test_typographic_characters_are_preserved():
    parsed = parse("“Patient money” — Japan’s bet…\n\nIt’s a “long game” – really.\n")
    assert parsed.title == "“Patient money” — Japan’s bet…"
    assert parsed.body == "It’s a “long game” – really.\n"


@pytest.mark.parametrize(
    "tags_section, expected",
    [
        ("Tags: energy, grid; Japan", ("energy", "grid", "Japan")),
        ("Tags:\n\n- energy\n- grid\n", ("energy", "grid")),
        ("## Tags\n\n* energy\n* Energy\n* #grid", ("energy", "grid")),
        ("**Tags:** energy, “Central Asia + Japan”", ("energy", "Central Asia + Japan")),
        ("TAGS\nenergy\ngrid", ("energy", "grid")),
        ("Tags", ()),
    ],
)
def test_tags_section_formats(tags_section, expected):
    parsed = parse(f"Title\n\nBody paragraph.\n\n{tags_section}\n")
    assert parsed.tags == expected
    assert parsed.body == "Body paragraph.\n"


def test_a_tags_line_followed_by_prose_is_body():
    text = (
        "Title\n\nTags\n\nThe customs officers at the border checked every lorry, and the "
        "queue of trucks stretched for kilometres before dawn."
    )
    parsed = parse(text)
    assert parsed.tags == ()
    assert parsed.body.startswith("Tags\n\nThe customs officers")


def test_a_tags_line_inside_the_text_is_not_a_tags_section():
    parsed = parse("Title\n\nTags: early\n\nMore body follows here, in full sentences.\n")
    assert parsed.tags == ()
    assert "Tags: early" in parsed.body


def test_markdown_headings_setext_titles_and_windows_line_endings():
    assert parse("# The title #\r\n\r\nBody\r\n").title == "The title"
    parsed = parse("\ufeffThe title\r\n=========\r\n\r\n# The title\r\n\r\nBody\r\n")
    assert (parsed.title, parsed.body) == ("The title", "Body\n")


def test_blank_line_runs_are_collapsed_and_markdown_is_kept():
    parsed = parse("Title\n\n## Section\n\n\n\n\n- one\n- **two**\n")
    assert parsed.body == "## Section\n\n- one\n- **two**\n"


def test_title_only_gives_an_empty_body():
    assert parse("Just a title\n").body == ""


@pytest.mark.parametrize(
    "text, reason",
    [
        ("\n\n   \n", "empty"),
        ("-----\n\nBody", "no letters or digits"),
        ("x" * 201 + "\n\nBody", "at most 200"),
    ],
)
def test_unusable_texts_are_refused_with_a_reason(text, reason):
    with pytest.raises(ImportFailed, match=reason):
        parse(text)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        ("\u3000\n".encode(), "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Title\x01\x02\x03", "binary"),
        ("Café".encode("latin-1"), "not UTF-8"),
        ("Title".encode("utf-16"), "UTF-16"),
        (b"x" * (2 * 1024 * 1024 + 1), "too large"),
    ],
)
def test_undecodable_data_is_refused_with_a_reason(data, reason):
    with pytest.raises(ImportFailed, match=reason):
        decode(data)


def test_utf8_with_a_byte_order_mark_is_accepted():
    assert decode("\ufeffTitle — ok".encode()) == "Title — ok"


# Importing


def test_import_creates_a_draft_with_recognised_countries_areas_and_tags(taxonomy):
    result = import_text(WIRE_STORY.encode())
    article = result.article
    assert result.outcome == "created"
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().exists()
    assert article.slug == "kazakh-wind-farms-court-japanese-lenders"
    assert {c.slug for c in article.countries.all()} == {"kazakhstan", "japan"}
    assert {a.slug for a in article.cooperation_areas.all()} == {"energy", "infrastructure"}
    assert set(article.tags.names()) == {"wind power", "Energy transition", "Kazakhstan"}
    assert "“patient money”" in article.body
    assert "Tags" not in article.body
    assert article.language == Article.Language.ENGLISH
    assert result.describe() == "draft in English; 2 countries, 2 areas, 3 tags"


def give_standfirst(article: Article) -> None:
    article.dek = "A railway and a wind farm for the Caspian coast."
    article.save_revision(user=None, comment="Standfirst written")


def test_import_with_publish_meets_the_checklist_and_stays_a_draft_without_a_standfirst(taxonomy):
    result = import_text(WIRE_STORY, publish=True)
    assert result.outcome == "created"
    assert not Article.objects.published().exists()
    assert result.article.status == Article.Status.DRAFT
    assert any("standfirst" in problem for problem in result.not_published)
    assert "not published, the checklist found" in result.describe()


def test_import_with_publish_publishes_what_passes_the_checklist(taxonomy):
    draft = import_text(WIRE_STORY).article
    give_standfirst(draft)
    result = import_text(WIRE_STORY, publish=True, update=True)
    assert result.not_published == ()
    assert Article.objects.published().get() == draft


def test_importing_the_same_text_twice_changes_nothing(taxonomy):
    first = import_text(WIRE_STORY.encode()).article
    again = import_text(WIRE_STORY.replace("\n", "\r\n").encode())
    assert again.outcome == "unchanged"
    assert again.changed == ()
    assert again.article.pk == first.pk
    assert Article.objects.count() == 1
    assert Article.objects.get().updated_at == first.updated_at


def test_a_changed_text_is_reported_but_not_applied_without_update(taxonomy):
    first = import_text(WIRE_STORY).article
    edited = WIRE_STORY.replace("railway to Aktau", "hospital in Aktau")
    result = import_text(edited)
    assert result.outcome == "unchanged"
    assert result.changed == ("body",)
    assert "its body differ" in result.describe()
    first.refresh_from_db()
    assert "railway" in first.body
    assert Article.objects.count() == 1


def test_update_replaces_body_tags_and_taxonomy(taxonomy):
    first = import_text(WIRE_STORY).article
    edited = WIRE_STORY.replace("railway to Aktau", "hospital in Aktau").replace(
        "Energy transition, Kazakhstan", "health"
    )
    result = import_text(edited, update=True)
    assert result.outcome == "updated"
    assert result.changed == ("body", "tags")
    article = Article.objects.get()
    assert article.pk == first.pk
    assert "hospital in Aktau" in article.body
    assert set(article.tags.names()) == {"wind power", "health"}
    assert {a.slug for a in article.cooperation_areas.all()} == {"energy", "health"}
    assert article.status == Article.Status.DRAFT


def test_update_with_publish_publishes_an_identical_draft(taxonomy):
    give_standfirst(import_text(WIRE_STORY).article)
    assert import_text(WIRE_STORY, publish=True).outcome == "unchanged"
    result = import_text(WIRE_STORY, publish=True, update=True)
    assert (result.outcome, result.changed) == ("updated", ("status",))
    assert Article.objects.published().count() == 1


# The command


def run(*args) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_article", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path


def test_command_imports_files_and_directories_one_line_each(taxonomy, tmp_path):
    folder = tmp_path / "wire"
    folder.mkdir()
    write(folder / "a.md", "# Grid upgrade in Astana\n\nRenewable energy for Astana.\n")
    write(folder / "b.txt", "Tokyo funds a railway\n\nJapanese railway money.\n\nTags: rail\n")
    write(folder / "notes.pdf", b"%PDF-1.4")
    write(folder / ".hidden.md", "Hidden\n\nBody")
    single = write(tmp_path / "single.txt", WIRE_STORY)
    out, err, error = run(str(folder), str(single))
    assert error is None, err
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("created") and "a.md → grid-upgrade-in-astana" in lines[0]
    assert lines[1].startswith("created") and "b.txt → tokyo-funds-a-railway" in lines[1]
    assert lines[2].startswith("created") and "single.txt" in lines[2]
    assert Article.objects.count() == 3
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 3


def test_command_reimport_reports_unchanged_and_update_applies(taxonomy, tmp_path):
    story = write(tmp_path / "story.md", WIRE_STORY)
    run(str(story))
    out, _, error = run(str(story))
    assert error is None
    assert out.startswith("unchanged") and "already imported, identical" in out

    write(story, WIRE_STORY.replace("railway to Aktau", "hospital in Aktau"))
    out, _, error = run(str(story))
    assert error is None
    assert "its body differ from this text; use --update to replace it" in out
    assert "railway to Aktau" in Article.objects.get().body

    give_standfirst(Article.objects.get())
    out, _, error = run(str(story), "--update", "--publish")
    assert error is None
    assert out.startswith("updated")
    article = Article.objects.get()
    assert "hospital in Aktau" in article.body
    assert article.is_public


def test_command_reads_standard_input(taxonomy, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"From the wire\n\nAstana today.\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    out, _, error = run("-", "--publish")
    assert error is None
    assert out.startswith("created") and "<stdin> → from-the-wire" in out
    # Published only through the checklist, which a bare wire text fails: it stays a draft.
    assert "not published, the checklist found" in out and "standfirst" in out
    assert Article.objects.get().title == "From the wire"
    assert not Article.objects.published().exists()


def test_bad_files_fail_alone_and_the_command_exits_non_zero(taxonomy, tmp_path, monkeypatch):
    good = write(tmp_path / "good.md", "Good story\n\nAbout Tokyo.\n")
    empty = write(tmp_path / "empty.md", "")
    binary = write(tmp_path / "binary.txt", b"GIF89a\x00\x01\x02")
    latin = write(tmp_path / "latin.txt", "Déjà vu\n\nCafé".encode("latin-1"))
    locked = write(tmp_path / "locked.txt", "Locked\n\nBody")
    missing = tmp_path / "missing.md"
    empty_dir = tmp_path / "empty-dir"
    empty_dir.mkdir()

    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    out, err, error = run(*map(str, (empty, binary, good, latin, locked, missing, empty_dir)))
    assert error is not None and "6 of 7 files failed" in str(error)
    assert out.count("\n") == 1 and out.startswith("created")
    errors = err.splitlines()
    assert len(errors) == 6
    assert all(line.startswith("error") for line in errors)
    assert "empty.md: empty file" in errors[0]
    assert "binary.txt: binary file" in errors[1]
    assert "latin.txt: not UTF-8 text" in errors[2]
    assert "locked.txt: cannot read (Permission denied)" in errors[3]
    assert "missing.md: no such file or directory" in errors[4]
    assert "empty-dir: no .txt, .md" in errors[5]
    assert list(Article.objects.values_list("title", flat=True)) == ["Good story"]


def test_imports_are_recorded_in_the_history_and_raise_the_version(taxonomy):
    from reversion.models import Version

    article = import_text(WIRE_STORY).article
    assert Version.objects.get_for_object(article).count() == 1
    version = article.version
    import_text(WIRE_STORY.replace("railway", "hospital"), update=True)
    article.refresh_from_db()
    assert article.version == version + 1
    revisions = Version.objects.get_for_object(article)
    assert revisions.count() == 2
    assert revisions.first().revision.comment == "Updated from imported text"


# Language: Japanese and Russian copy makes Japanese and Russian articles.

JAPANESE_STORY = """\
日本の銀行、カザフスタンの風力発電に融資へ

日本の金融機関は、カザフスタンの首都で開かれた会合で、再生可能エネルギー事業への融資を検討していると述べた。

Tags: 風力発電
"""

RUSSIAN_STORY = """\
Японские банки профинансируют ветряные электростанции Казахстана

Японские кредиторы готовы вложить средства в энергетику Казахстана, заявили участники встречи.
"""


@pytest.fixture
def translated_names(taxonomy):
    Country.objects.filter(slug="kazakhstan").update(name_ja="カザフスタン", name_ru="Казахстан")
    Country.objects.filter(slug="japan").update(name_ja="日本", name_ru="Япония")


def test_a_japanese_text_becomes_a_japanese_article(translated_names):
    result = import_text(JAPANESE_STORY.encode())
    article = result.article
    assert article.language == Article.Language.JAPANESE
    assert {c.slug for c in article.countries.all()} == {"kazakhstan", "japan"}
    assert set(article.tags.names()) == {"風力発電"}
    assert result.describe() == "draft in Japanese; 2 countries, 0 areas, 1 tag"


def test_a_russian_text_becomes_a_russian_article(translated_names):
    article = import_text(RUSSIAN_STORY).article
    assert article.language == Article.Language.RUSSIAN
    # "Казахстана": the genitive of its Russian name.
    assert {c.slug for c in article.countries.all()} == {"kazakhstan"}


def test_the_language_can_be_named_instead_of_detected(translated_names):
    article = import_text(RUSSIAN_STORY, language="en").article
    assert article.language == Article.Language.ENGLISH
    with pytest.raises(ImportFailed, match="unknown language 'de'; choose one of en, ja, ru"):
        import_text(JAPANESE_STORY, language="de")
    assert Article.objects.count() == 1


def test_a_different_language_is_reported_and_replaced_on_update(taxonomy):
    first = import_text(WIRE_STORY, language="ja").article
    assert first.language == Article.Language.JAPANESE
    result = import_text(WIRE_STORY)
    assert (result.outcome, result.changed) == ("unchanged", ("language",))
    result = import_text(WIRE_STORY, update=True)
    assert (result.outcome, result.changed) == ("updated", ("language",))
    first.refresh_from_db()
    assert first.language == Article.Language.ENGLISH


def test_an_update_does_not_give_a_translation_its_originals_language(taxonomy):
    original = make_article("日本の銀行", language=Article.Language.JAPANESE)
    translation = make_article(
        "Kazakh wind farms court Japanese lenders",
        language=Article.Language.ENGLISH,
        translation_of=original,
    )
    with pytest.raises(
        ImportFailed, match="language cannot become Japanese: the original is already in Japanese"
    ):
        import_text(WIRE_STORY, language="ja", update=True)
    translation.refresh_from_db()
    assert translation.language == Article.Language.ENGLISH
    assert "ASTANA" not in translation.body


def test_command_sets_the_detected_language_or_the_one_named(translated_names, tmp_path):
    japanese = write(tmp_path / "ja.md", JAPANESE_STORY)
    russian = write(tmp_path / "ru.txt", RUSSIAN_STORY)
    out, err, error = run(str(japanese), str(russian))
    assert error is None, err
    assert "draft in Japanese" in out and "draft in Russian" in out
    assert set(Article.objects.values_list("language", flat=True)) == {"ja", "ru"}

    english = write(tmp_path / "en.md", WIRE_STORY)
    out, err, error = run("--language", "JA", str(english))
    assert error is None, err
    assert Article.objects.get(slug="kazakh-wind-farms-court-japanese-lenders").language == "ja"


def test_command_refuses_an_unknown_language(taxonomy, tmp_path):
    story = write(tmp_path / "story.md", WIRE_STORY)
    _, _, error = run("--language", "de", str(story))
    assert error is not None and "invalid choice: 'de'" in str(error)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Unknown language 'de'; choose one of en, ja, ru"):
        call_command("import_article", str(story), language="de", stdout=out)
    assert not Article.objects.exists()


def test_a_standfirst_line_after_the_title_becomes_the_standfirst(taxonomy):
    text = WIRE_STORY.replace("\nASTANA", "\nStandfirst: Rail and wind for the Caspian.\n\nASTANA")
    parsed = parse(text)
    assert parsed.dek == "Rail and wind for the Caspian."
    assert "Standfirst" not in parsed.body
    result = import_text(text, publish=True)
    assert result.not_published == ()
    assert Article.objects.published().get().dek == "Rail and wind for the Caspian."


def test_an_overlong_standfirst_is_refused_with_its_length(taxonomy):
    text = WIRE_STORY.replace("\nASTANA", "\nStandfirst: " + "x" * 401 + "\n\nASTANA")
    with pytest.raises(ImportFailed, match="401 characters long; the limit is 400"):
        parse(text)
    assert not Article.objects.exists()
