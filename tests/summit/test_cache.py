"""The content generation: cached values are shared until the content changes."""

import pytest
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
        assert content_generation() > before, f"change {number} did not move it"


@pytest.mark.django_db
def test_signing_in_does_not_move_the_generation(client):
    from tests.factories import make_staff

    user = make_staff("desk")
    before = content_generation()
    client.force_login(user)  # saves last_login, as every sign-in does
    assert content_generation() == before
