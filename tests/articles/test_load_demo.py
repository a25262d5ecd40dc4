import pytest
from django.core.management import call_command

from articles.models import Article, Tag
from countries.models import CooperationArea, Country

pytestmark = pytest.mark.django_db


def test_load_demo_creates_the_publication_and_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = (Country.objects.count(), CooperationArea.objects.count(), Article.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (
        Country.objects.count(),
        CooperationArea.objects.count(),
        Article.objects.count(),
    ) == counts

    assert set(
        Country.objects.filter(role=Country.Role.CENTRAL_ASIA).values_list("code", flat=True)
    ) == {"KZ", "KG", "TJ", "TM", "UZ"}
    assert Country.objects.get(code="JP").role == Country.Role.HOST
    assert {"china", "russia", "united-states"} <= set(
        Country.objects.values_list("slug", flat=True)
    )
    assert CooperationArea.objects.count() >= 8
    assert Article.objects.count() >= 12
    assert Article.objects.filter(status="draft").count() == 1
    assert Article.objects.scheduled().count() == 1
    assert Article.objects.published().filter(featured=True).exists()
    assert Tag.objects.in_use().count() >= 15
    assert Tag.objects.filter(slug="防災").exists()
    assert "Astana" in Country.objects.get(code="KZ").alias_list
    assert "renewable energy" in CooperationArea.objects.get(slug="energy").keyword_list


def test_load_demo_keeps_an_editors_changes():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    Country.objects.filter(slug="kazakhstan").update(summary="Edited by the desk")
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert Country.objects.get(slug="kazakhstan").summary == "Edited by the desk"
