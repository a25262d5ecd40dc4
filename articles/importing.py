"""Turn raw wire copy or a Markdown draft into an article.

The format is what editors already receive:

- the first non-empty line is the title (a Markdown `#` heading or setext underline is
  allowed, and a repeated title line right after it is dropped);
- a line `Standfirst: …` as the first line after the title becomes the standfirst (the
  pre-publish checklist asks for one, so `--publish` needs it);
- the rest is the Markdown body, kept as written, curly quotes and dashes included;
- an optional trailing "Tags" section, a line `Tags` followed by tag lines (one or more per
  line, comma-separated, bullets allowed) or a line `Tags: a, b`, becomes the tags and is
  removed from the body.

Countries and cooperation areas are set by `countries.recognition`, and so is the language
(`detect_language`: Japanese or Russian copy makes a Japanese or Russian article) unless the
importer names one.

"The same file" is the same title: an article is looked up by the slug its title gives. A
re-import of a text whose article exists changes nothing unless `update` is asked for, and
then only when the title, body, tags or language differ. (Storing a hash of the source would need a
column on Article; the slug and a comparison of the body do the job without one.)

A title that gives another slug but reads the same once case, punctuation, dashes and quotes
are set aside ("Japan, Kazakhstan sign deal" and "JAPAN\u2013KAZAKHSTAN SIGN DEAL!") is a
likely duplicate: the import is refused, naming the existing article, unless `force` is given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from articles.checklist import ChecklistError
from articles.models import Article, record_revision, without_history
from countries.recognition import Matcher, detect_language, recognise

MAX_BYTES = 2 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
MAX_TAG_LENGTH = 100  # taggit's name column
MAX_TAG_WORDS = 8
MAX_TAG_LINES = 20

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_EMPHASIS = r"(?:\*\*|__|\*|_)?"
_TAGS_HEADER = re.compile(
    rf"^\s{{0,3}}(?:#{{1,6}}\s+)?{_EMPHASIS}tags{_EMPHASIS}\s*(?::{_EMPHASIS}\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class ImportFailed(ValueError):
    """The text cannot become an article; the message says why, for the editor.

    The message is a clause in the active language ("empty file"), without a capital or a
    full stop, so that callers can put it into their own sentence.
    """


# The fields `ImportResult.changed` names, as editors read them.
FIELD_LABELS = {
    "title": pgettext_lazy("imported article's field", "title"),
    "body": pgettext_lazy("imported article's field", "body"),
    "tags": pgettext_lazy("imported article's field", "tags"),
    "language": pgettext_lazy("imported article's field", "language"),
    "status": pgettext_lazy("imported article's field", "status"),
}


def field_list(fields: tuple[str, ...] | list[str]) -> str:
    """Field names as a list in the active language: "title, body" in English."""
    return pgettext("list separator", ", ").join(str(FIELD_LABELS[field]) for field in fields)


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    body: str
    tags: tuple[str, ...]
    dek: str = ""


@dataclass(frozen=True)
class ImportResult:
    outcome: Literal["created", "unchanged", "updated", "duplicate"]
    # The new or updated article; for "unchanged" and "duplicate", the existing one.
    article: Article
    # What differs between the text and the article (for "unchanged") or what was replaced.
    changed: tuple[str, ...] = ()
    # Asked to publish, what the pre-publish checklist found missing: the article stays a draft.
    not_published: tuple[str, ...] = ()

    def describe(self) -> str:
        """What came of the import, in the active language: "draft in English; 2 countries…"."""
        article = self.article
        status = article.get_status_display().lower()
        if self.outcome == "duplicate":
            return _("an article with this title exists: “%(title)s” (%(status)s, %(slug)s)") % {
                "title": article.title,
                "status": status,
                "slug": article.slug,
            }
        if self.outcome == "unchanged":
            if not self.changed:
                return _("already imported, identical")
            return _("already imported; its %(fields)s differ from this text") % {
                "fields": field_list(self.changed)
            }
        countries = article.countries.count()
        areas = article.cooperation_areas.count()
        tags = len(article.tags.all())
        summary = _("%(status)s in %(language)s; %(countries)s, %(areas)s, %(tags)s") % {
            "status": status,
            "language": article.get_language_display(),
            "countries": ngettext("%(count)d country", "%(count)d countries", countries)
            % {"count": countries},
            "areas": ngettext("%(count)d area", "%(count)d areas", areas) % {"count": areas},
            "tags": ngettext("%(count)d tag", "%(count)d tags", tags) % {"count": tags},
        }
        if self.not_published:
            summary = _("%(summary)s; not published, the checklist found %(problems)s") % {
                "summary": summary,
                "problems": "; ".join(self.not_published),
            }
        if self.outcome == "updated":
            return _("%(fields)s replaced; %(summary)s") % {
                "fields": field_list(self.changed),
                "summary": summary,
            }
        return summary


def decode(data: bytes) -> str:
    """The text of an uploaded or read file; anything but non-empty UTF-8 text is refused."""
    if len(data) > MAX_BYTES:
        raise ImportFailed(
            _("too large (%(size)s bytes; at most %(limit)s)")
            % {
                "size": number_format(len(data), force_grouping=True),
                "limit": number_format(MAX_BYTES, force_grouping=True),
            }
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(_("UTF-16 text; save it as UTF-8"))
    if b"\x00" in data:
        raise ImportFailed(_("binary file, not text"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            _("not UTF-8 text (undecodable byte %(byte)s at offset %(offset)d)")
            % {"byte": f"0x{data[error.start]:02x}", "offset": error.start}
        ) from None
    if _CONTROL.search(text):
        raise ImportFailed(_("binary file, not text (control characters)"))
    if not text.strip():
        raise ImportFailed(_("empty file"))
    return text


def _clean_title(line: str) -> str:
    heading = _HEADING.match(line)
    return " ".join((heading.group(1) if heading else line).split())


def _same_title(line: str, title: str) -> bool:
    return _clean_title(line).casefold() == title.casefold()


def _split_tags(line: str) -> list[str]:
    line = _BULLET.sub("", line)
    names = []
    for part in re.split(r"[,;]", line):
        name = part.strip().strip("\"'\u201c\u201d").lstrip("#").strip()
        if name:
            names.append(name)
    return names


def _is_sentence(line: str) -> bool:
    return len(line.split()) > 3 and line.rstrip()[-1] in ".!?\u2026"


def _looks_like_tag(name: str) -> bool:
    return len(name) <= MAX_TAG_LENGTH and len(name.split()) <= MAX_TAG_WORDS


def _trailing_tags(lines: list[str]) -> tuple[list[str], list[str]] | None:
    """(body lines, tags) when the text ends with a Tags section, else None."""
    for index in range(len(lines) - 1, -1, -1):
        header = _TAGS_HEADER.match(lines[index])
        if not header:
            continue
        tag_lines = [line for line in lines[index + 1 :] if line.strip()]
        if header.group("rest"):
            tag_lines.insert(0, header.group("rest"))
        names = [name for line in tag_lines for name in _split_tags(line)]
        # A "Tags" line followed by prose is prose, not a tag list.
        if (
            len(tag_lines) > MAX_TAG_LINES
            or any(_is_sentence(line) for line in tag_lines)
            or not all(_looks_like_tag(name) for name in names)
        ):
            return None
        unique: dict[str, str] = {}
        for name in names:
            unique.setdefault(name.casefold(), name)
        return lines[:index], list(unique.values())
    return None


# "Standfirst: …" (any case), the dek field's label in the admin.
STANDFIRST_LINE = re.compile(r"^\s*standfirst\s*:\s*(?P<dek>\S.*)$", re.IGNORECASE)


def parse(text: str) -> ParsedArticle:
    """Title, Markdown body and tags of a raw text; see the module's docstring for the rules."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise ImportFailed(_("empty file"))
    title = _clean_title(lines.pop(0))
    if lines and _SETEXT_UNDERLINE.match(lines[0]) and lines[0].strip():
        lines.pop(0)
    if not any(char.isalnum() for char in title):
        raise ImportFailed(
            _("the first line, %(line)s, has no letters or digits for a title")
            % {"line": repr(title)}
        )
    title_field = Article._meta.get_field("title")
    if len(title) > title_field.max_length:
        raise ImportFailed(
            ngettext(
                "the first line is %(length)d character long; a title has at most %(limit)d "
                "(is the title line missing?)",
                "the first line is %(length)d characters long; a title has at most %(limit)d "
                "(is the title line missing?)",
                len(title),
            )
            % {"length": len(title), "limit": title_field.max_length}
        )
    rest = [i for i, line in enumerate(lines) if line.strip()]
    if rest and _same_title(lines[rest[0]], title):
        del lines[: rest[0] + 1]
        if lines and _SETEXT_UNDERLINE.match(lines[0]) and lines[0].strip():
            lines.pop(0)
    dek = ""
    rest = [i for i, line in enumerate(lines) if line.strip()]
    if rest and (match := STANDFIRST_LINE.match(lines[rest[0]])):
        dek = match["dek"].strip()
        limit = Article._meta.get_field("dek").max_length
        if len(dek) > limit:
            raise ImportFailed(
                _("the standfirst is %(length)d characters long; the limit is %(limit)d")
                % {"length": len(dek), "limit": limit}
            )
        del lines[: rest[0] + 1]
    tags: list[str] = []
    if (split := _trailing_tags(lines)) is not None:
        lines, tags = split
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return ParsedArticle(title=title, body=f"{body}\n" if body else "", tags=tuple(tags), dek=dek)


def slug_for(title: str) -> str:
    """The slug a new article with this title gets, before any -2, -3 suffix."""
    max_length = Article._meta.get_field("slug").max_length - 6
    return slugify(title, allow_unicode=True)[:max_length].strip("-") or "untitled"


# Titles are compared without these: punctuation of every script (Unicode categories P*,
# which take in dashes, quotes, brackets, "…", "・" and "、").
def _punctuation_to_spaces(text: str) -> str:
    return "".join(" " if unicodedata.category(char)[0] == "P" else char for char in text)


def normalise_title(title: str) -> str:
    """`title` as likely duplicates are compared: case, punctuation and spacing set aside.

    NFKC first, so full-width letters and ligatures read as their plain forms, then casefold
    (Unicode-aware: "ЯПОНИЯ" and "Япония" compare equal). Punctuation becomes a space rather
    than nothing, so "Japan, Kazakhstan" and "Japan\u2013Kazakhstan" (en dash) both read
    "japan kazakhstan".
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", title).casefold())
    return " ".join(_punctuation_to_spaces(folded).split())


def _literal_pattern(word: str) -> str:
    # Words hold no punctuation, but may hold symbols such as "+" or "$": a backslash before an
    # ASCII non-alphanumeric makes it literal in both PostgreSQL's and Python's regexes.
    return "".join(f"\\{char}" if char.isascii() and not char.isalnum() else char for char in word)


# Anything between words: punctuation and spaces ("_" is punctuation too, but \w takes it).
_BETWEEN = r"(?:\W|_)"


def _title_filter(title: str) -> Q:
    r"""A condition every title that normalises like `title` meets, to narrow the search.

    Normalised forms can only be compared in Python, so the database first keeps the titles
    made of this one's words, in order, whatever the case, with only non-word characters
    around and between them: `^(?:\W|_)*japan(?:\W|_)+kazakhstan(?:\W|_)+sign…$`. That is
    all but the exact rule (it lets symbols through as separators), so Python compares a few
    rows, never the whole table. On PostgreSQL `iregex` is `~*`, which the trigram index on
    the title (migration 0003) answers from the words' trigrams: about 15 ms among 100,000
    articles, where `icontains` (UPPER(title) LIKE) scans the table (about 170 ms). Only a
    title whose words are all under three characters ("G7 in UK") gives no trigram and is
    scanned. SQLite runs the regex in Python, which folds case in every script; PostgreSQL
    folds it by the database's locale (C.UTF-8 or en_US.UTF-8 fold Cyrillic and the rest).
    """
    words = _punctuation_to_spaces(unicodedata.normalize("NFKC", title)).split()
    pattern = f"{_BETWEEN}+".join(_literal_pattern(word) for word in words)
    return Q(title__iregex=f"^{_BETWEEN}*{pattern}{_BETWEEN}*$")


def same_title_article(title: str) -> Article | None:
    """The oldest article, of any status, whose title reads like `title` (`normalise_title`)."""
    key = normalise_title(title)
    candidates = (
        Article.objects.filter(_title_filter(title))
        .only("pk", "title", "slug", "status")
        .order_by("pk")
    )
    return next((article for article in candidates if normalise_title(article.title) == key), None)


def _normalised(body: str) -> str:
    return "\n".join(line.rstrip() for line in body.replace("\r\n", "\n").split("\n")).strip()


def _differences(
    article: Article, parsed: ParsedArticle, language: str, publish: bool
) -> list[str]:
    changed = []
    if article.title != parsed.title:
        changed.append("title")
    if parsed.dek and article.dek != parsed.dek:
        changed.append("standfirst")
    if _normalised(article.body) != _normalised(parsed.body):
        changed.append("body")
    if {name.casefold() for name in article.tags.names()} != {t.casefold() for t in parsed.tags}:
        changed.append("tags")
    if article.language != language:
        changed.append("language")
    if publish and article.status != Article.Status.PUBLISHED:
        changed.append("status")
    return changed


def import_article(
    parsed: ParsedArticle,
    *,
    update: bool = False,
    publish: bool = False,
    force: bool = False,
    language: str | None = None,
    author=None,
    matcher: Matcher | None = None,
    expected_version: int | None = None,
) -> ImportResult:
    """Create the article `parsed` describes, or report (and with `update`, refresh) its twin.

    A text whose title only reads like an existing article's (see `normalise_title`) is not
    imported but reported as a "duplicate" of that article, unless `force` is given. The
    article is in `language` (an `Article.Language` value), by default the one the text is
    written in (`detect_language`); an update replaces the language too. `author` is the
    user importing: the new article's author, and the revision's. With `expected_version`,
    an update is refused (`EditConflict`) if the article has moved on from that version.
    Either way the write is `Article.save_revision`.
    """
    text = f"{parsed.title}\n\n{parsed.body}"
    language = language or detect_language(text)
    if language not in Article.Language.values:
        raise ImportFailed(
            _("unknown language %(language)s; choose one of %(languages)s")
            % {"language": repr(language), "languages": ", ".join(Article.Language.values)}
        )
    with transaction.atomic():
        existing = Article.objects.select_for_update().filter(slug=slug_for(parsed.title)).first()
        if existing is None and not force:
            duplicate = same_title_article(parsed.title)
            if duplicate is not None:
                return ImportResult("duplicate", duplicate)
        if existing is not None:
            changed = tuple(_differences(existing, parsed, language, publish))
            if not changed or not update:
                return ImportResult("unchanged", existing, changed)
            # Keep what is about to be replaced restorable, as the admin does.
            if without_history([existing]):
                record_revision([existing], user=author, comment="Before an import replaced it")
            article = existing
        else:
            article = Article(author=author)
        article.title = parsed.title
        if parsed.dek:  # a text without one keeps the standfirst an editor wrote
            article.dek = parsed.dek
        article.body = parsed.body
        article.language = language
        if existing is not None and "language" in changed:
            try:  # a translation's language must stay free in its story
                article.check_translation()
            except ValidationError as error:
                reason = " ".join(error.messages).rstrip(".")
                raise ImportFailed(
                    _("the language cannot become %(language)s: %(reason)s")
                    % {
                        "language": article.get_language_display(),
                        "reason": f"{reason[:1].lower()}{reason[1:]}",
                    }
                ) from None
        found = recognise(text, matcher)

        def set_related() -> None:
            article.countries.set([mention.pk for mention in found.countries])
            article.cooperation_areas.set([mention.pk for mention in found.areas])
            article.tags.set(list(parsed.tags))

        article.save_revision(
            user=author,
            comment="Updated from imported text" if existing else "Imported from text",
            expected_version=expected_version if existing else None,
            set_related=set_related,
        )
        not_published: tuple[str, ...] = ()
        if publish and article.status != Article.Status.PUBLISHED:
            # Through the write path's publish, so an import meets the pre-publish checklist
            # like any other publish; what fails it is saved as a draft and reported.
            try:
                article.publish(user=author, comment="Published on import")
            except ChecklistError as refused:
                not_published = tuple(refused.problems)
    if existing is not None:
        return ImportResult("updated", article, changed, not_published)
    return ImportResult("created", article, not_published=not_published)


def import_text(data: bytes | str, **options) -> ImportResult:
    """Decode (when given bytes), parse and import one text. Raises ImportFailed."""
    text = decode(data) if isinstance(data, bytes) else data
    if not text.strip():
        raise ImportFailed(_("empty text"))
    return import_article(parse(text), **options)
