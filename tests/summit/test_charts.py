from datetime import date
from xml.etree import ElementTree

import pytest

from summit.charts import month_series, render_monthly_chart, summarise

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def bars(root: ElementTree.Element) -> list[ElementTree.Element]:
    return root.findall(f"{SVG}rect[@class='chart-bar']")


def percent(value: str) -> float:
    assert value.endswith("%"), value
    return float(value[:-1])


def sample_series() -> list[tuple[date, int]]:
    counts = {(2025, 4): 2, (2025, 12): 1, (2026, 1): 3, (2026, 3): 4, (2026, 2): 4}
    return month_series(counts, end=date(2026, 3, 17))


# --- month_series ---------------------------------------------------------


def test_month_series_fills_gaps_across_a_year_boundary():
    series = month_series({(2025, 11): 5, (2026, 2): 1}, end=date(2026, 2, 28), months=5)
    assert series == [
        (date(2025, 10, 1), 0),
        (date(2025, 11, 1), 5),
        (date(2025, 12, 1), 0),
        (date(2026, 1, 1), 0),
        (date(2026, 2, 1), 1),
    ]


def test_month_series_default_is_twelve_months_oldest_first():
    series = month_series({}, end=date(2026, 1, 1))
    assert len(series) == 12
    assert series[0] == (date(2025, 2, 1), 0)
    assert series[-1] == (date(2026, 1, 1), 0)
    days = [day for day, _ in series]
    assert days == sorted(days)
    assert all(day.day == 1 for day in days)


def test_month_series_ignores_counts_outside_the_window():
    series = month_series({(2024, 12): 9, (2026, 4): 9, (2026, 3): 2}, end=date(2026, 3, 1))
    assert sum(count for _, count in series) == 2


def test_month_series_edge_lengths():
    assert month_series({(2026, 3): 1}, end=date(2026, 3, 5), months=1) == [(date(2026, 3, 1), 1)]
    assert month_series({}, end=date(2026, 3, 5), months=0) == []
    assert len(month_series({}, end=date(2026, 3, 5), months=36)) == 36
    with pytest.raises(ValueError):
        month_series({}, end=date(2026, 3, 5), months=-1)


# --- render_monthly_chart -------------------------------------------------


def test_chart_is_an_accessible_image():
    root = parse(render_monthly_chart(sample_series(), title="Coverage of Kazakhstan"))
    assert root.get("role") == "img"
    assert root.get("class") == "coverage-chart"
    # No viewBox: text must not scale with the page (see summit/charts.py).
    assert root.get("viewBox") is None
    assert root.get("width") == "100%"
    assert root.get("height") == "160"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Coverage of Kazakhstan"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")


def test_one_bar_per_month_with_axis_labels_and_baseline():
    root = parse(render_monthly_chart(sample_series(), title="t"))
    assert len(bars(root)) == 12
    months = ["".join(t.itertext()) for t in root.findall(f"{SVG}text[@class='chart-axis']")]
    assert months == [
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
        "Jan",
        "Feb",
        "Mar",
    ]
    years = [t.text for t in root.findall(f"{SVG}text[@class='chart-axis chart-year']")]
    assert years == ["2025", "2026"]
    assert len(root.findall(f"{SVG}line[@class='chart-baseline']")) == 1


def test_bar_heights_are_proportional():
    root = parse(render_monthly_chart(sample_series(), title="t"))
    heights = [float(b.get("height")) for b in bars(root)]
    counts = [count for _, count in sample_series()]
    tallest = max(heights)
    assert tallest > 0
    for height, count in zip(heights, counts, strict=True):
        assert height == pytest.approx(tallest * count / 4, abs=0.01)
    assert heights[counts.index(0)] == 0
    # Bars stand on a common baseline.
    assert len({float(b.get("y")) + float(b.get("height")) for b in bars(root)}) == 1


def test_bar_titles_pluralise():
    root = parse(render_monthly_chart(sample_series(), title="t"))
    titles = [b.find(f"{SVG}title").text for b in bars(root)]
    assert titles[0] == "April 2025: 2 articles"
    assert titles[1] == "May 2025: 0 articles"
    assert titles[8] == "December 2025: 1 article"
    assert titles[-1] == "March 2026: 4 articles"


def test_desc_summarises_and_max_is_labelled():
    root = parse(render_monthly_chart(sample_series(), title="t"))
    # Feb and Mar tie on 4; the more recent month is named and labelled.
    assert root.find(f"{SVG}desc").text == (
        "14 articles in the last 12 months; the busiest month was March 2026 with 4."
    )
    (value,) = root.findall(f"{SVG}text[@class='chart-value']")
    assert value.text == "4"
    last_bar = bars(root)[-1]
    centre = percent(last_bar.get("x")) + percent(last_bar.get("width")) / 2
    assert percent(value.get("x")) == pytest.approx(centre, abs=0.01)


def test_single_article_summary():
    series = month_series({(2026, 1): 1}, end=date(2026, 3, 1))
    assert (
        summarise(series)
        == "1 article in the last 12 months; the busiest month was January 2026 with 1."
    )


def test_all_zero_series():
    series = month_series({}, end=date(2026, 3, 1))
    root = parse(render_monthly_chart(series, title="Quiet"))
    assert root.find(f"{SVG}desc").text == "No articles in the last 12 months."
    assert len(bars(root)) == 12
    assert all(float(b.get("height")) == 0 for b in bars(root))
    assert root.find(f"{SVG}text[@class='chart-value']") is None


def test_empty_series_does_not_crash():
    root = parse(render_monthly_chart([], title="Nothing"))
    assert bars(root) == []
    assert root.find(f"{SVG}desc").text == "No articles."


def test_long_series_uses_initials():
    series = month_series({}, end=date(2026, 3, 1), months=24)
    root = parse(render_monthly_chart(series, title="t"))
    months = ["".join(t.itertext()) for t in root.findall(f"{SVG}text[@class='chart-axis']")]
    assert months[-3:] == ["J", "F", "M"]


def test_hostile_title_is_escaped():
    evil = '</title><script>alert("x")</script><title>'
    markup = str(render_monthly_chart(sample_series(), title=evil))
    assert "<script" not in markup
    assert parse(markup).find(f"{SVG}title").text == evil


def test_distinct_ids_and_no_inline_styles():
    first = str(render_monthly_chart(sample_series(), title="Same"))
    second = str(render_monthly_chart(sample_series(), title="Same"))
    assert parse(first).get("aria-labelledby") != parse(second).get("aria-labelledby")
    assert "style" not in first
    assert "<script" not in first


def test_month_names_can_shrink_to_initials_on_narrow_charts():
    root = parse(render_monthly_chart(sample_series(), title="t"))
    first = root.find(f"{SVG}text[@class='chart-axis']")
    # The initial stays; the stylesheet hides the rest when the chart is narrow.
    assert first.text == "A"
    assert first.find(f"{SVG}tspan[@class='chart-month-rest']").text == "pr"
