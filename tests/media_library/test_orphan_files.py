"""Library files that no image row has go with `remove_orphan_media`; files in use never do.

The library keeps a file while an `Image` row names it (`media_library.models.files_in_use`),
whether or not an article shows the image, and its WebP renditions, card crops and Open Graph
crops while it keeps the original. The command also keeps any file an article names, as it
does for article images.
"""

import os
import time
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction

from media_library import models as library_models
from media_library.models import Image, files_in_use
from summit import images
from tests.factories import make_article
from tests.media_library.factories import make_article_showing, make_image, picture_bytes

pytestmark = pytest.mark.django_db


def on_disk() -> set[str]:
    """Every stored file, as its storage name."""
    root = Path(django_settings.MEDIA_ROOT)
    if not root.exists():
        return set()
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def store(name: str, content: bytes = b"x" * 100) -> str:
    return default_storage.save(name, ContentFile(content))


def remove_orphan_media(*options: str) -> str:
    out = StringIO()
    call_command("remove_orphan_media", *options, stdout=out)
    return out.getvalue()


def webp_renditions(name: str) -> set[str]:
    """The renditions of a 1200-pixel-wide image: the widths that shrink it."""
    return {images.rendition_name(name, width) for width in (480, 960)}


def cards(name: str, focal_point: tuple[int, int] = (50, 50)) -> set[str]:
    return {images.card_crop_name(name, *focal_point, width) for width in (480, 960)}


def delete_row_without_signals(image: Image) -> None:
    """As a script or a database console would: the row goes, the files stay."""
    table = connection.ops.quote_name(Image._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [image.pk])


@pytest.fixture
def library_in_all_states():
    """Library files in use, named by nothing, and beside the library."""
    # Shown in an article, with crops made before library images stopped getting an Open
    # Graph crop: every one of its files is in use.
    shown = make_image("Shown in an article")
    images.make_focal_crops(shown.file, 50, 50)
    make_article_showing(shown)
    shown_files = {
        shown.file.name,
        *webp_renditions(shown.file.name),
        *cards(shown.file.name),
        images.og_image_name(shown.file.name, 50, 50),
    }
    # In the library but in no article: still the library's.
    unused = make_image("Not in any article yet", focal_x=20, focal_y=70)
    unused.make_focal_crops()
    unused_files = {unused.file.name, *webp_renditions(unused.file.name)}
    unused_files |= cards(unused.file.name, (20, 70))
    # Its original deleted by hand: the row still names it, so its renditions stay.
    lost = make_image("Original gone")
    default_storage.delete(lost.file.name)
    # Named in an article's body by its address, with no row: an article shows it.
    embedded = store(f"library/2024/05/{uuid.uuid4().hex}.jpg", picture_bytes())
    make_article("Embeds a library file", body=f"![photo]({django_settings.MEDIA_URL}{embedded})")

    # An upload whose save rolled back after its file and renditions were stored.
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = make_image("Rolled back")
        rolled_back.make_focal_crops()
        raise RuntimeError("the request failed after the save")
    assert not Image.objects.filter(alt_text="Rolled back").exists()
    rolled_back_files = {
        rolled_back.file.name,
        *webp_renditions(rolled_back.file.name),
        *cards(rolled_back.file.name),
    }
    # A row deleted without its signals, leaving the original, renditions and an old OG crop.
    gone = make_image("Row deleted by hand")
    images.make_focal_crops(gone.file, 50, 50)
    delete_row_without_signals(gone)
    gone_files = {
        gone.file.name,
        *webp_renditions(gone.file.name),
        *cards(gone.file.name),
        images.og_image_name(gone.file.name, 50, 50),
    }
    # Stored by a script: an original and a crop of an original that never was.
    script = store(f"library/2023/11/{uuid.uuid4().hex}.png", picture_bytes("PNG"))
    stray_crop = store(f"library/2023/11/{uuid.uuid4().hex}-card-50x50-480w.webp")
    # Outside the upload folders: not the command's to judge.
    elsewhere = store(f"exports/{uuid.uuid4().hex}.jpg", picture_bytes())

    return {
        "kept": shown_files | unused_files | webp_renditions(lost.file.name) | {embedded},
        "orphans": rolled_back_files | gone_files | {script, stray_crop},
        "elsewhere": {elsewhere},
    }


def test_dry_run_lists_orphan_library_files_and_deletes_nothing(library_in_all_states):
    before = on_disk()
    assert before == set().union(*library_in_all_states.values())

    output = remove_orphan_media("--dry-run", "--min-age=0")

    assert on_disk() == before
    for name in library_in_all_states["orphans"]:
        assert f"Would delete {name} " in output
    for name in library_in_all_states["kept"] | library_in_all_states["elsewhere"]:
        assert name not in output
    size = sum(default_storage.size(name) for name in library_in_all_states["orphans"])
    assert f"Would delete 13 files (3 originals, 10 renditions), {size} bytes" in output
    assert "kept 14 files in use" in output


# Up to FEW_FILE_NAMES names are asked in one query; past it, every row is read once.
@pytest.mark.parametrize("few", [library_models.FEW_FILE_NAMES, 1])
def test_orphan_library_files_are_deleted_and_files_in_use_kept(
    library_in_all_states, monkeypatch, few
):
    monkeypatch.setattr(library_models, "FEW_FILE_NAMES", few)

    output = remove_orphan_media("--min-age=0")

    assert on_disk() == library_in_all_states["kept"] | library_in_all_states["elsewhere"]
    assert "Deleted 13 files (3 originals, 10 renditions)" in output


def test_young_library_files_are_left_alone(library_in_all_states):
    # A library upload is stored before the save that creates its row commits.
    output = remove_orphan_media()
    assert on_disk() >= library_in_all_states["orphans"]
    assert "left 27 files younger than 60 minutes alone" in output

    an_hour_ago = time.time() - 61 * 60
    for name in on_disk():
        os.utime(default_storage.path(name), (an_hour_ago, an_hour_ago))
    remove_orphan_media()
    assert on_disk() == library_in_all_states["kept"] | library_in_all_states["elsewhere"]


def test_deleting_orphans_leaves_the_library_working(library_in_all_states):
    remove_orphan_media("--min-age=0")
    shown = Image.objects.get(alt_text="Shown in an article")
    assert default_storage.exists(shown.file.name)
    assert shown.thumbnail_url.endswith(f"{Path(shown.file.name).stem}-card-50x50-480w.webp")


@pytest.mark.parametrize("few", [library_models.FEW_FILE_NAMES, 1])
def test_files_in_use_are_the_names_an_image_row_has(monkeypatch, django_assert_num_queries, few):
    monkeypatch.setattr(library_models, "FEW_FILE_NAMES", few)
    first, second = make_image("First"), make_image("Second", renditions=False)
    rendition = images.rendition_name(first.file.name, 480)
    asked = {first.file.name, second.file.name, rendition, "library/2024/01/never.jpg"}

    with django_assert_num_queries(1):
        assert files_in_use(asked) == {first.file.name, second.file.name}
    with django_assert_num_queries(0):
        assert files_in_use(set()) == set()
