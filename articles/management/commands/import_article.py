"""Import plain-text or Markdown files as draft articles; see articles/importing.py.

    python manage.py import_article notes/story.md wire/ -      # files, directories, stdin
    python manage.py import_article --language ja story.md    # not the language detected

One line per file: created, unchanged, updated, duplicate (a title that reads like an existing
article's; not imported without --force) or error with the reason. A file that fails does not
stop the others; the command exits non-zero when any failed or was refused as a duplicate, so
a script notices texts that were not imported. Each article is in the language its text is
written in (English, Japanese or Russian, told by its script) unless --language names one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.translation import ngettext

from articles.importing import TEXT_SUFFIXES, ImportFailed, import_text
from articles.models import Article
from countries.recognition import taxonomy_matcher

STDIN = "-"

Source = tuple[str, Callable[[], bytes] | None, str]


def _read_stdin() -> bytes:
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    data = stream.read()
    return data.encode() if isinstance(data, str) else data


class Command(BaseCommand):
    help = (
        "Turn plain-text or Markdown files into draft articles. PATH may be a file, a directory "
        f"(its {', '.join(TEXT_SUFFIXES)} files) or - for standard input. Exits non-zero when "
        "any file failed or was refused as a likely duplicate; the others are still imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Replace the title, body, tags, countries and areas of an article imported "
            "before from a text with the same title, when they differ.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish now, through the pre-publish checklist: a text that fails it stays a "
            "draft and its line says what is missing.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Import even when an article with the same title exists (same words, whatever "
            "the case and punctuation). Without it such a text is reported as a duplicate, not "
            "imported, and the exit status is non-zero.",
        )
        parser.add_argument(
            "--language",
            type=str.lower,
            choices=Article.Language.values,
            help="The articles' language, instead of the one each text is written in (detected "
            "from its script).",
        )

    def handle(
        self,
        *args,
        paths: list[str],
        update: bool,
        publish: bool,
        force: bool,
        language: str | None,
        **options,
    ) -> None:
        # The parser checks --language; call_command(language=…) bypasses it.
        languages = Article.Language.values
        if language is not None and language not in languages:
            raise CommandError(
                f"Unknown language {language!r}; choose one of {', '.join(languages)}."
            )
        matcher = taxonomy_matcher()
        sources = [source for path in paths for source in self.sources(path)]
        failed = duplicates = 0
        for label, read, problem in sources:
            try:
                if read is None:
                    raise ImportFailed(problem)
                result = import_text(
                    read(),
                    update=update,
                    publish=publish,
                    force=force,
                    language=language,
                    matcher=matcher,
                )
            except ImportFailed as error:
                failed += 1
                self.stderr.write(f"error      {label}: {error}")
                continue
            except OSError as error:
                failed += 1
                self.stderr.write(f"error      {label}: cannot read ({error.strerror or error})")
                continue
            if result.outcome == "duplicate":
                duplicates += 1
                self.stderr.write(f"duplicate  {label}: {self.describe_duplicate(result.article)}")
                continue
            hint = "; use --update to replace it" if result.changed and not update else ""
            line = (
                f"{result.outcome:<10} {label} → {result.article.slug} ({result.describe()}{hint})"
            )
            self.stdout.write(self.style.SUCCESS(line) if result.outcome != "unchanged" else line)
        files = ngettext("file", "files", len(sources))
        problems = []
        if failed:
            problems.append(f"{failed} of {len(sources)} {files} failed")
        if duplicates:
            problems.append(
                f"{duplicates} of {len(sources)} {files} not imported as likely duplicates "
                "(--force imports them)"
            )
        if problems:
            raise CommandError(f"{'; '.join(problems)}.")

    def describe_duplicate(self, article: Article) -> str:
        opts = article._meta
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[article.pk])
        return (
            f"an article with this title exists: “{article.title}” "
            f"({article.get_status_display().lower()}, {change_url}); use --force to import anyway"
        )

    def sources(self, path: str) -> Iterator[Source]:
        """(label, reader, problem) for each text `path` names; reader is None when it can't."""
        if path == STDIN:
            yield "<stdin>", _read_stdin, ""
            return
        location = Path(path)
        if location.is_dir():
            files = sorted(
                child
                for child in location.iterdir()
                if child.suffix.lower() in TEXT_SUFFIXES
                and child.is_file()
                and not child.name.startswith(".")
            )
            if not files:
                yield path, None, f"no {', '.join(TEXT_SUFFIXES)} files in this directory"
            for child in files:
                yield str(child), child.read_bytes, ""
        elif location.exists():
            yield path, location.read_bytes, ""
        else:
            yield path, None, "no such file or directory"
