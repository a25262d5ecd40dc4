from datetime import timedelta
from urllib.parse import unquote

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, Tag, related_articles
from tests.factories import make_area, make_article, make_country, make_scheduled

pytestmark = pytest.mark.django_db


def test_published_includes_only_published_articles_whose_time_has_come():
    live = make_article("Live")
    make_article("Draft", published=False)
    make_scheduled("Tomorrow", days_ahead=1)
    assert list(Article.objects.published()) == [live]


def test_scheduled_article_goes_live_by_itself_when_its_time_comes():
    scheduled = make_scheduled("Later", days_ahead=2)
    assert not Article.objects.published().filter(pk=scheduled.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        assert Article.objects.published().filter(pk=scheduled.pk).exists()
        scheduled.refresh_from_db()
        assert scheduled.is_public


def test_related_managers_inherit_the_published_rule():
    country = make_country("Kazakhstan")
    live = make_article("Live", countries=[country])
    make_article("Draft", countries=[country], published=False)
    assert list(country.articles.published()) == [live]


def test_slug_is_filled_from_the_title_and_kept_unique():
    first = make_article("Japan and Kazakhstan")
    second = make_article("Japan and Kazakhstan")
    assert first.slug == "japan-and-kazakhstan"
    assert second.slug == "japan-and-kazakhstan-2"


def test_slug_keeps_non_latin_titles_readable():
    article = make_article("Энергетика Центральной Азии")
    assert article.slug == "энергетика-центральной-азии"
    assert unquote(article.get_absolute_url()) == "/articles/энергетика-центральной-азии/"


def test_title_of_only_punctuation_still_gets_a_slug():
    assert make_article("!!!").slug == "untitled"


def test_tags_get_unicode_slugs():
    article = make_article("Quake drills", tags=["防災", "энергетика", "Disaster response"])
    slugs = set(article.tags.values_list("slug", flat=True))
    assert slugs == {"防災", "энергетика", "disaster-response"}


def test_tags_are_case_insensitive():
    make_article("One", tags=["Energy"])
    make_article("Two", tags=["energy"])
    assert Tag.objects.filter(name__iexact="energy").count() == 1


def test_database_refuses_two_tags_differing_only_by_case():
    Tag.objects.create(name="Energy", slug="energy")
    with pytest.raises(IntegrityError):
        Tag.objects.create(name="ENERGY", slug="energy-2")


def test_lead_image_requires_a_description_in_the_database():
    article = make_article("No alt")
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(lead_image="articles/photo.jpg")


def test_reading_time_counts_words():
    article = make_article("Long", body="word " * 660)
    assert article.reading_minutes == 3
    assert make_article("Short", body="").reading_minutes == 1


def test_related_articles_rank_by_shared_tags_countries_and_areas():
    kz, uz = make_country("Kazakhstan"), make_country("Uzbekistan")
    energy = make_area("Energy")
    source = make_article("Source", countries=[kz, uz], areas=[energy], tags=["uranium", "JICA"])
    best = make_article("Best", countries=[kz, uz], areas=[energy], tags=["uranium"])
    some = make_article("Some", countries=[kz])
    make_article("Unrelated")
    make_article("Hidden draft", countries=[kz, uz], tags=["uranium"], published=False)
    source = Article.objects.prefetch_related("tags", "countries", "cooperation_areas").get(
        pk=source.pk
    )
    related = related_articles(source, "en")
    assert related == [best, some]
    assert related[0].shared == 4


def test_kicker_prefers_a_central_asian_country():
    japan = make_country("Japan", role="host")
    kyrgyzstan = make_country("Kyrgyzstan")
    article = make_article("Both", countries=[japan, kyrgyzstan])
    assert article.kicker.label == "Kyrgyzstan"


def test_a_title_that_slugifies_to_a_reserved_path_gets_another_slug():
    assert make_article("Feed").slug == "feed-2"


def test_editors_cannot_choose_a_reserved_slug():
    from django.core.exceptions import ValidationError

    article = make_article("Anything")
    article.slug = "feed"
    with pytest.raises(ValidationError, match="taken by another page"):
        article.full_clean()
