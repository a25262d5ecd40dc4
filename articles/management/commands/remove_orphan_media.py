"""Delete uploaded article images, and their renditions, that nothing can show any more.

Saving and deleting articles already delete the images they let go of once no article uses
them (`articles.models.images_in_use`). This command finds what that cannot see: files left by
a save that failed after its upload was stored, by scripts or by hand, and images let go of
before that cleanup existed. The same rule decides: a file is kept while an article's lead
image or an article's body names it (stored revisions do not keep files), and a rendition is
kept while its original is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath

from django.core.files.storage import Storage
from django.core.management.base import BaseCommand, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from articles.models import Article, images_in_use
from summit import images


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    rendition_of: str | None  # the stem of its original, for a rendition

    @property
    def kind(self) -> str:
        return "rendition" if self.rendition_of else "original"


class Command(BaseCommand):
    help = (
        "Delete uploaded article images, and renditions, that no article uses as its lead image "
        "or in its body. Prints each file with the counts and bytes; --dry-run deletes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the files that would be deleted, with their sizes, and delete nothing.",
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help=(
                "Leave files younger than this alone (default 60): an upload is stored before "
                "the save that names it commits."
            ),
        )

    def handle(self, *args: str, dry_run: bool, min_age: int, **options) -> None:
        field = Article._meta.get_field("lead_image")
        storage: Storage = field.storage
        # Only the folder the article images are uploaded to ("articles/%Y/%m/"): anything
        # else under MEDIA_ROOT is not this command's to judge.
        folder = PurePosixPath(field.upload_to).parts[0]
        cutoff = timezone.now() - timedelta(minutes=min_age)
        files, recent = [], 0
        for name in _walk(storage, folder):
            if min_age and storage.get_modified_time(name) > cutoff:
                recent += 1
                continue
            files.append(StoredFile(name, storage.size(name), images.rendition_of(name)))

        orphans = _orphans(files)
        verb = "Would delete" if dry_run else "Deleted"
        for orphan in orphans:
            if not dry_run:
                storage.delete(orphan.name)
            self.stdout.write(f"{verb} {orphan.name} ({orphan.kind}, {orphan.size} bytes)")

        count = {kind: sum(o.kind == kind for o in orphans) for kind in ("original", "rendition")}
        size = sum(orphan.size for orphan in orphans)
        self.stdout.write(
            f"{verb} {len(orphans)} files ({count['original']} originals, "
            f"{count['rendition']} renditions), {size} bytes ({filesizeformat(size)}); "
            f"kept {len(files) - len(orphans)} files in use; "
            f"left {recent} files younger than {min_age} minutes alone."
        )


def _walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in sorted(files):
        yield f"{folder}/{file}"
    for child in sorted(folders):
        yield from _walk(storage, f"{folder}/{child}")


def _orphans(files: list[StoredFile]) -> list[StoredFile]:
    """The files nothing names: originals not in use, and renditions of no original in use."""
    originals = {file.name for file in files if not file.rendition_of}
    # A rendition's original may be gone from storage while an article still names it (and
    # builds its srcset from that name alone): ask about every name it could have had.
    possible_originals = {
        str(PurePosixPath(file.name).with_name(f"{file.rendition_of}.{extension}"))
        for file in files
        if file.rendition_of
        for extension in images.ACCEPTED_FORMATS.values()
    }
    in_use = images_in_use(originals | possible_originals)
    stems_in_use = {(str(PurePosixPath(name).parent), PurePosixPath(name).stem) for name in in_use}
    return [
        file
        for file in files
        if (
            (str(PurePosixPath(file.name).parent), file.rendition_of) not in stems_in_use
            if file.rendition_of
            else file.name not in in_use
        )
    ]
