# ruff: noqa: RUF001 — the expected Russian text is Cyrillic on purpose.
"""Counts readers see are written the way their language writes large numbers: 12,345 in
English and Japanese, 12 345 (a no-break space) in Russian."""

from __future__ import annotations

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from articles.coverage import legend
from articles.pagination import ArticlePaginator
from summit.charts import summarise
from tests.factories import make_article

NBSP = "\xa0"


@pytest.mark.django_db
def test_list_headers_group_the_thousands_in_each_language(client, monkeypatch):
    for language in ("en", "ja", "ru"):
        make_article(f"One in {language}", language=language)
    monkeypatch.setattr(ArticlePaginator, "count", property(lambda paginator: 12345))

    assert "12,345 articles, newest first." in client.get("/articles/").content.decode()
    assert "12,345" in client.get("/ja/articles/").content.decode()
    russian = client.get("/ru/articles/").content.decode()
    assert f"12{NBSP}345 статей, сначала новые." in russian


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "12,345"), ("ja", "12,345"), ("ru", f"12{NBSP}345")]
)
def test_facet_counts_group_the_thousands(language, shown):
    facets = {"countries": [{"url": "?country=kazakhstan", "label": "Kazakhstan", "count": 12345}]}
    with translation.override(language):
        html = render_to_string("includes/facets.html", {"facets": facets})
    assert f'Kazakhstan <span class="count">{shown}</span>' in html


def test_chart_summaries_and_the_coverage_legend_group_the_thousands():
    with translation.override("en"):
        summary = summarise([(date(2026, 10, 1), 1200), (date(2026, 11, 1), 2345)])
        assert summary.startswith("3,545 articles in the last 2 months")
        assert summary.endswith("with 2,345.")
        assert legend(4000)[-1].label == "3,001–4,000 articles"
    with translation.override("ru"):
        assert legend(4000)[-1].label.startswith(f"3{NBSP}001–4{NBSP}000")
