"""The content generation: cached values are shared until the content changes."""

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

from summit import cache as summit_cache
from summit.cache import (
    KeptForContent,
    bump_content_generation,
    cached_for_content,
    content_generation,
    content_state,
)
from summit.page_cache import CACHE_STATUS_HEADER


# The providers of scheduled changes read the database.
@pytest.mark.django_db
def test_a_cached_value_is_computed_once_until_the_content_changes():
    cache.clear()
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_for_content("counts", compute) == 1
    assert cached_for_content("counts", compute) == 1
    bump_content_generation()
    assert cached_for_content("counts", compute) == 2
    assert len(calls) == 2


# The providers of scheduled changes read the database.
@pytest.mark.django_db
def test_none_is_cached_like_any_other_value():
    cache.clear()
    calls = []
    cached_for_content("nothing", lambda: calls.append(1))
    cached_for_content("nothing", lambda: calls.append(1))
    assert calls == [1]


# The providers of scheduled changes read the database.
@pytest.mark.django_db
def test_an_emptied_cache_does_not_reuse_an_old_generation():
    cache.clear()
    with time_machine.travel("2026-11-29 10:00", tick=False):
        used = {content_generation(), bump_content_generation(), bump_content_generation()}
    assert len(used) == 3  # even with the clock standing still
    cache.clear()  # Redis restarted, say
    with time_machine.travel("2026-11-29 10:00", tick=False):
        assert content_generation() not in used


@pytest.mark.django_db
def test_every_kind_of_change_readers_can_see_moves_the_generation():
    from articles.models import AuthorProfile, Tag
    from tests.factories import make_area, make_article, make_country, make_user

    changes = [
        lambda: make_country("Kazakhstan"),
        lambda: make_area("Energy"),
        lambda: make_article("A story", tags=["energy"]),
        lambda: Tag.objects.get(name="energy").save(),
        lambda: AuthorProfile.objects.create(user=make_user("aida"), display_name="Aida"),
    ]
    for number, change in enumerate(changes):
        before = content_generation()
        change()
        assert content_generation() != before, f"change {number} did not move it"


@pytest.mark.django_db
def test_signing_in_does_not_move_the_generation(client):
    from tests.factories import make_staff

    user = make_staff("desk")
    before = content_generation()
    client.force_login(user)  # saves last_login, as every sign-in does
    assert content_generation() == before


# Content that changes by itself: scheduled articles


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.django_db
def test_a_scheduled_article_moves_the_generation_once_at_its_time():
    from tests.factories import make_article

    with time_machine.travel(_at("2026-03-01 09:00"), tick=False):
        make_article("Summit opens", publish_at=_at("2026-03-01 10:00"))
        before = content_state()
        assert before.next_change == _at("2026-03-01 10:00")
        assert content_generation() == before.generation
    with time_machine.travel(_at("2026-03-01 10:00"), tick=False):
        after = content_generation()
        assert after != before.generation
        assert content_generation() == after, "moved again for the same instant"
        assert content_state().next_change is None


@pytest.mark.django_db
def test_only_the_worker_that_claims_the_instant_moves_the_generation():
    from tests.factories import make_article

    with time_machine.travel(_at("2026-03-01 09:00"), tick=False):
        make_article("Summit opens", publish_at=_at("2026-03-01 10:00"))
        before = content_generation()
    # Another worker got there first and is writing the new generation.
    cache.add(f"summit:content-turnover:{before}:{_at('2026-03-01 10:00').timestamp()}", True)
    with time_machine.travel(_at("2026-03-01 10:00:01"), tick=False):
        assert content_generation() == before


@pytest.mark.django_db
def test_scheduling_something_sooner_is_noticed_at_once():
    from tests.factories import make_article

    with time_machine.travel(_at("2026-03-01 09:00"), tick=False):
        make_article("Later", publish_at=_at("2026-03-02 10:00"))
        assert content_state().next_change == _at("2026-03-02 10:00")
        make_article("Sooner", publish_at=_at("2026-03-01 09:30"))
        assert content_state().next_change == _at("2026-03-01 09:30")


@pytest.mark.django_db
def test_the_common_case_costs_one_cache_read_and_no_query(monkeypatch, django_assert_num_queries):
    content_state()  # records the next change for this generation
    calls: list[str] = []
    depth = [0]

    def counted(name, method):
        # Only calls made by summit.cache count; a backend's get_many may call its own get.
        def call(*args, **kwargs):
            if not depth[0]:
                calls.append(name)
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for name in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(summit_cache.cache, name, counted(name, getattr(cache, name)))
    with django_assert_num_queries(0):
        content_generation()
    assert calls == ["get_many"]


@pytest.mark.django_db
def test_a_write_in_a_transaction_moves_the_generation_again_when_it_commits(
    django_capture_on_commit_callbacks,
):
    from tests.factories import make_country

    before = content_generation()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        make_country("Kazakhstan")
        # A reader elsewhere could take this one and render the rows the commit replaces.
        during = content_generation()
        assert during != before
    assert content_generation() not in {before, during}


# The providers of scheduled changes read the database; threads share the test's database.
@pytest.mark.django_db(transaction=True)
def test_workers_missing_at_once_wait_for_one_computation_instead_of_repeating_it():
    cache.clear()
    content_generation()  # both threads must see the same generation
    started = threading.Event()
    release = threading.Event()
    calls = []
    results = []

    def slow_compute():
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(5)
        return "aggregate"

    def reader():
        results.append(cached_for_content("counts:slow", slow_compute))

    first = threading.Thread(target=reader, name="first")
    first.start()
    started.wait(5)
    second = threading.Thread(target=reader, name="second")
    second.start()
    second.join(0.3)
    assert second.is_alive(), "the second reader should wait for the first one's result"
    release.set()
    first.join(5)
    second.join(5)
    assert results == ["aggregate", "aggregate"]
    assert calls == ["first"]


@pytest.mark.django_db
def test_a_failed_computation_releases_the_lock_for_the_next_reader():
    cache.clear()

    def failing():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        cached_for_content("counts:failing", failing)
    assert cached_for_content("counts:failing", lambda: 7) == 7


def test_the_file_cache_counts_its_folder_only_now_and_then(tmp_path, monkeypatch):
    from summit import file_cache

    backend = file_cache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 20}})
    listings = []
    original = file_cache.FileBasedCache._list_cache_files
    monkeypatch.setattr(
        file_cache.FileBasedCache,
        "_list_cache_files",
        lambda self: listings.append(1) or original(self),
    )
    for number in range(400):
        backend.set(f"page-{number}", "x")
    # Django's own file cache lists the folder on all 400 writes.
    assert len(listings) < 40
    # Past MAX_ENTRIES, a check that comes round still culls.
    monkeypatch.setattr(file_cache, "CULL_CHECK_EVERY", 1)
    backend.set("one-more", "x")
    assert len(list(tmp_path.glob("*.djcache"))) < 400


def test_the_file_cache_stores_plain_pickles_and_reads_compressed_ones(tmp_path):
    from summit import file_cache

    backend = file_cache.FileCache(str(tmp_path), {})
    page = "<p>Kazakhstan and Japan</p>" * 2000
    backend.set("page", page, timeout=60)
    (stored,) = tmp_path.glob("*.djcache")
    # Not compressed: serving it back is reading it, with nothing to inflate.
    assert stored.stat().st_size > len(page)
    assert page.encode() in stored.read_bytes()
    assert backend.get("page") == page
    assert backend.touch("page", timeout=120)  # rewrites the entry in place
    assert backend.get("page") == page
    assert backend.get("missing", "absent") == "absent"

    # An entry written by an earlier version (or Django's own file cache) is compressed; it
    # reads back as it was, and touching it leaves a plain entry of exactly its own length.
    old = file_cache.FileBasedCache(str(tmp_path), {})
    old.set("old", page, timeout=60)
    old_file = next(path for path in tmp_path.glob("*.djcache") if path != stored)
    assert old_file.stat().st_size < len(page) / 10
    assert backend.get("old") == page
    assert backend.touch("old", timeout=None)
    assert backend.get("old") == page
    backend.set("plain", page, timeout=None)
    (plain,) = set(tmp_path.glob("*.djcache")) - {stored, old_file}
    assert old_file.read_bytes() == plain.read_bytes()
    # A shorter expiry (none at all) leaves nothing of the longer one behind.
    assert backend.touch("page", timeout=None)
    assert stored.read_bytes() == plain.read_bytes()

    # Expired entries are gone, whichever way they were written.
    old.set("old", page, timeout=-1)
    assert backend.get("old") is None
    assert backend.touch("old") is False


def count_state_reads(monkeypatch) -> list[str]:
    """The cache reads of the content state from now on (calls of `get_many`)."""
    reads: list[str] = []
    read = summit_cache.cache.get_many

    def counted(keys, *args, **kwargs):
        if summit_cache.GENERATION_KEY in keys:
            reads.append("state")
        return read(keys, *args, **kwargs)

    monkeypatch.setattr(summit_cache.cache, "get_many", counted)
    return reads


@pytest.mark.django_db
def test_a_request_reads_the_state_once_and_then_its_own_writes(monkeypatch):
    content_state()  # records the next change for this generation
    reads = count_state_reads(monkeypatch)
    request_started.send(sender=None)
    try:
        first = content_generation()
        assert content_generation() == content_generation() == first
        assert len(reads) == 1
        moved = bump_content_generation()
        assert content_generation() == moved != first
        assert len(reads) == 2
    finally:
        request_finished.send(sender=None)
    # Outside a request (commands, shells), every call reads afresh: nothing lingers.
    content_generation()
    content_generation()
    assert len(reads) == 4


@pytest.mark.django_db
def test_an_article_page_reads_the_state_once(client, monkeypatch):
    from tests.factories import make_article

    article = make_article("One read")
    client.get(article.get_absolute_url())  # the kept places and accounts for this generation
    bump_content_generation()
    reads = count_state_reads(monkeypatch)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response[CACHE_STATUS_HEADER] == "miss"
    # The page cache, the kept countries, areas and accounts all asked; one read answered.
    assert reads == ["state"]


# The providers of scheduled changes read the database.
@pytest.mark.django_db
def test_kept_rows_are_read_once_per_generation_and_only_those_missing():
    cache.clear()
    reads = []

    def read(keys):
        reads.append(sorted(keys))
        return {key: f"row {key}" for key in keys if key != 404}

    kept = KeptForContent(read, limit=10)
    assert kept.get_many([1, 2]) == {1: "row 1", 2: "row 2"}
    assert kept.get_many([2, 3, 404]) == {2: "row 2", 3: "row 3"}
    assert kept.get_many([1, 3]) == {1: "row 1", 3: "row 3"}
    assert reads == [[1, 2], [3, 404]]
    bump_content_generation()
    assert kept.get_many([1]) == {1: "row 1"}
    assert reads[-1] == [1]


@pytest.mark.django_db
def test_kept_rows_past_the_limit_are_forgotten_and_read_again():
    cache.clear()
    reads = []
    kept = KeptForContent(lambda keys: reads.append(list(keys)) or dict.fromkeys(keys), limit=2)
    kept.get_many([1, 2, 3])
    kept.get_many([1])
    assert reads == [[1, 2, 3], [1]]
