"""Delete uploaded images, and their renditions and crops, that nothing can show any more.

Uploads live in two folders: article lead images (`articles/`) and the media library
(`library/`). Saving and deleting articles already delete the lead images they let go of once
no article uses them (`articles.models.images_in_use`), and deleting or replacing a library
image deletes its files (media_library.signals). This command finds what those cannot see:
files left by a save that failed or rolled back after its upload was stored, by an image row
removed without its signals, by scripts or by hand, and images let go of before that cleanup
existed. One rule decides in both folders: a file is kept while an article names it (its lead
image or its body; stored revisions do not keep files) or a media-library image has it as its
file (`media_library.models.files_in_use`), and a rendition or crop is kept while its original
is.
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
from media_library.models import Image, files_in_use
from summit import images


@dataclass(frozen=True)
class StoredFile:
    storage: Storage
    name: str
    size: int
    rendition_of: str | None  # the stem of its original, for a rendition

    @property
    def kind(self) -> str:
        return "rendition" if self.rendition_of else "original"


class Command(BaseCommand):
    help = (
        "Delete uploaded images (article lead images and media-library files), and their "
        "renditions, that no article uses as its lead image or in its body and no media-library "
        "image has as its file. Prints each file with the counts and bytes; --dry-run deletes "
        "nothing."
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
        cutoff = timezone.now() - timedelta(minutes=min_age)
        files, recent = [], 0
        for storage, folder in _upload_folders():
            for name in _walk(storage, folder):
                if min_age and storage.get_modified_time(name) > cutoff:
                    recent += 1
                    continue
                files.append(
                    StoredFile(storage, name, storage.size(name), images.rendition_of(name))
                )

        orphans = _orphans(files)
        verb = "Would delete" if dry_run else "Deleted"
        for orphan in orphans:
            if not dry_run:
                orphan.storage.delete(orphan.name)
            self.stdout.write(f"{verb} {orphan.name} ({orphan.kind}, {orphan.size} bytes)")

        count = {kind: sum(o.kind == kind for o in orphans) for kind in ("original", "rendition")}
        size = sum(orphan.size for orphan in orphans)
        self.stdout.write(
            f"{verb} {len(orphans)} files ({count['original']} originals, "
            f"{count['rendition']} renditions), {size} bytes ({filesizeformat(size)}); "
            f"kept {len(files) - len(orphans)} files in use; "
            f"left {recent} files younger than {min_age} minutes alone."
        )


def _upload_folders() -> list[tuple[Storage, str]]:
    """Where article images ("articles/%Y/%m/") and library images ("library/%Y/%m/") are
    uploaded, each folder once: anything else under MEDIA_ROOT is not this command's to judge."""
    folders: list[tuple[Storage, str]] = []
    for field in (Article._meta.get_field("lead_image"), Image._meta.get_field("file")):
        folder = (field.storage, PurePosixPath(field.upload_to).parts[0])
        if folder not in folders:
            folders.append(folder)
    return folders


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
    """The files nothing names: originals that no article and no library image uses, and
    renditions of no original in use."""
    originals = {file.name for file in files if not file.rendition_of}
    # A rendition's original may be gone from storage while an article or a library image
    # still names it (and builds its srcset from that name alone): ask about every name it
    # could have had.
    possible_originals = {
        str(PurePosixPath(file.name).with_name(f"{file.rendition_of}.{extension}"))
        for file in files
        if file.rendition_of
        for extension in images.ACCEPTED_FORMATS.values()
    }
    candidates = originals | possible_originals
    in_use = images_in_use(candidates) | files_in_use(candidates)
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
