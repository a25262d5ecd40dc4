"""The home page: the lead story, the latest articles and a way into every section."""

import pytest
from django.urls import reverse

from countries.models import Country
from tests.factories import make_area, make_article, make_country, make_scheduled

pytestmark = pytest.mark.django_db


def test_home_page_leads_with_the_featured_story_and_links_every_section(client):
    kz = make_country("Kazakhstan", capital="Astana")
    make_country("Japan", role=Country.Role.HOST, capital="Tokyo")
    make_country("China", role=Country.Role.PARTNER)
    make_area("Energy")
    make_article("Newest", countries=[kz], tags=["JICA"], days_ago=1)
    make_article("Lead story", featured=True, countries=[kz], tags=["JICA"], days_ago=5)
    make_article("Featured draft", featured=True, published=False)
    make_scheduled("Featured tomorrow", featured=True)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["lead"].title == "Lead story"
    assert [a.title for a in response.context["latest"]] == ["Newest"]
    assert 'href="/countries/kazakhstan/"' in page
    assert 'href="/countries/japan/"' in page
    assert 'href="/countries/china/"' not in page  # partners are not in the region strip
    assert 'href="/areas/energy/"' in page
    assert 'href="/tags/jica/"' in page
    assert "Featured draft" not in page and "Featured tomorrow" not in page


def test_home_page_without_content_still_works(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Nothing published yet." in response.content
