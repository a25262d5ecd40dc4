"""The content generation: cached values are shared until the content changes."""

import time_machine
from django.core.cache import cache

from summit.cache import bump_content_generation, cached_for_content, content_generation


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


def test_none_is_cached_like_any_other_value():
    cache.clear()
    calls = []
    cached_for_content("nothing", lambda: calls.append(1))
    cached_for_content("nothing", lambda: calls.append(1))
    assert calls == [1]


def test_an_emptied_cache_does_not_reuse_an_old_generation():
    cache.clear()
    with time_machine.travel("2026-11-29 10:00", tick=False):
        before = content_generation()
        bump_content_generation()
        bump_content_generation()
    cache.clear()  # Redis restarted, say
    with time_machine.travel("2026-11-29 10:01", tick=False):
        assert content_generation() > before + 2
