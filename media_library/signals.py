"""An image's files go with it: deleted, or replaced by a new upload, once the change commits.

After the commit, so a delete or save that fails (or is rolled back) leaves every file in
place, and robust, so a storage error cannot turn a change already saved into an error page.
The renditions (and any focal crops) go with their original (`summit.images.delete_image`).
Connected in `MediaLibraryConfig.ready()`.
"""

from __future__ import annotations

from django.db import transaction

from media_library.models import Image, files_in_use
from summit import images


def _delete_files_after_commit(name: str | None) -> None:
    if not name:
        return
    storage = Image._meta.get_field("file").storage

    def delete() -> None:
        # Only if no image row (another, or this one again) names the file by then.
        if not files_in_use({name}):
            images.delete_image(storage, name)

    transaction.on_commit(delete, robust=True)


def image_saved(sender, instance: Image, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    replaced = instance.stored_file_name
    if replaced and replaced != instance.file.name:
        _delete_files_after_commit(replaced)
    instance.stored_file_name = instance.file.name


def image_deleted(sender, instance: Image, **kwargs) -> None:
    _delete_files_after_commit(instance.file.name)
