"""Import plain-text or Markdown files as draft articles; see articles/importing.py.

    python manage.py import_article notes/story.md wire/ -      # files, directories, stdin

One line per file: created, unchanged, updated, or error with the reason. A file that fails
does not stop the others; the command exits non-zero when any failed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.importing import TEXT_SUFFIXES, ImportFailed, import_text
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
        f"(its {', '.join(TEXT_SUFFIXES)} files) or - for standard input."
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
            "--publish", action="store_true", help="Publish now instead of saving drafts."
        )

    def handle(self, *args, paths: list[str], update: bool, publish: bool, **options) -> None:
        matcher = taxonomy_matcher()
        sources = [source for path in paths for source in self.sources(path)]
        failed = 0
        for label, read, problem in sources:
            try:
                if read is None:
                    raise ImportFailed(problem)
                result = import_text(read(), update=update, publish=publish, matcher=matcher)
            except ImportFailed as error:
                failed += 1
                self.stderr.write(f"error      {label}: {error}")
                continue
            except OSError as error:
                failed += 1
                self.stderr.write(f"error      {label}: cannot read ({error.strerror or error})")
                continue
            hint = "; use --update to replace it" if result.changed and not update else ""
            line = (
                f"{result.outcome:<10} {label} → {result.article.slug} ({result.describe()}{hint})"
            )
            self.stdout.write(self.style.SUCCESS(line) if result.outcome != "unchanged" else line)
        if failed:
            raise CommandError(f"{failed} of {len(sources)} file(s) failed.")

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
