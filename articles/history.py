"""Reading article history (django-reversion): word-level diffs for the comparison page.

What a revision holds, and when one is recorded, is decided by the write path in
`articles/models.py` (`Article.save_revision`, `ArticleQuerySet.revise`): the article with its
tag links, country links and area links, and the tags themselves, so a tag merged or deleted
since comes back on restore. It holds the lead image's name, not the file: an image is deleted
once no article uses it, and a revision whose image is gone is restored without one
(`Article.drop_missing_lead_image`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import SequenceMatcher

from django.db import models
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version
from reversion_compare.compare import CompareObjects

# Word-level diffs for the history comparison page.
#
# django-reversion-compare diffs text character by character ("bet o̶big on gree…"), which
# editors cannot read. These compare whole tokens: words, numbers with their separators
# ("3,500" or "1.5" is one token), single punctuation marks, and runs of whitespace, which are
# kept so that the old and new texts read exactly as written.
_TOKEN = re.compile(r"\s+|\d+(?:[.,]\d+)*|\w+|[^\w\s]")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _changes(old: list[str], new: list[str]) -> Iterator[tuple[str, str, str]]:
    """(operation, old text, new text) runs turning `old` into `new`, element by element."""
    # Whitespace never anchors a match (matches still extend over it), so "green hydrogen"
    # to "blue ammonia" is one change, not two split by a kept space. difflib's autojunk
    # does the same for words making up over 1% of a long text ("the"), which keeps a
    # rewritten 10,000-word body to about a second; the diff stays exact, if less minimal.
    matcher = SequenceMatcher(str.isspace, old, new)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        yield operation, "".join(old[i1:i2]), "".join(new[j1:j2])


def word_diff(old: str, new: str) -> SafeString:
    """`old` and `new` as one escaped text, removed words in `<del>`, added words in `<ins>`.

    Lines are compared first and only changed lines word by word, which keeps a long body
    fast: tokens are compared only within the paragraphs that changed.
    """
    parts: list[str] = []
    for operation, old_lines, new_lines in _changes(
        old.splitlines(keepends=True), new.splitlines(keepends=True)
    ):
        if operation == "equal":
            parts.append(escape(old_lines))
            continue
        for word_operation, old_words, new_words in _changes(
            _tokens(old_lines), _tokens(new_lines)
        ):
            if word_operation == "equal":
                parts.append(escape(old_words))
                continue
            if old_words:
                parts.append(format_html("<del>{}</del>", old_words))
            if new_words:
                parts.append(format_html("<ins>{}</ins>", new_words))
    # Every part above is escaped or built by format_html.
    return format_html('<div class="word-diff">{}</div>', mark_safe("".join(parts)))


def _text(value: object) -> str:
    # reversion-compare gives a sentinel for a field a version did not have yet.
    return value if isinstance(value, str) else ""


class ReadableDiffMixin:
    """django-reversion-compare hooks for a comparison editors can read.

    Title, standfirst and body are compared word by word and shown wrapped; a foreign key
    is listed only when it points elsewhere.
    """

    compare_template = "admin/articles/article/history_compare.html"

    def compare(self, obj: models.Model, version1: Version, version2: Version):
        diff, has_unfollowed_fields = super().compare(obj, version1, version2)
        # reversion-compare counts a foreign key as changed whenever any other field changed
        # (it compares the versions' whole field dicts), which would list an untouched
        # primary country as "add: None" on every comparison.
        before, after = version1.field_dict, version2.field_dict
        diff = [
            entry
            for entry in diff
            if not isinstance(entry["field"], models.ForeignKey)
            or before.get(entry["field"].attname) != after.get(entry["field"].attname)
        ]
        return diff, has_unfollowed_fields

    def compare_title(self, obj_compare: CompareObjects) -> SafeString:
        return word_diff(_text(obj_compare.value1), _text(obj_compare.value2))

    compare_dek = compare_title
    compare_body = compare_title
