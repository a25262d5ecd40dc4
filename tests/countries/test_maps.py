import json
import re
from xml.etree import ElementTree

import pytest

from countries.maps import DATA_FILE, map_codes, map_country_names, render_region_map

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ElementTree.Element:
    # Well-formed XML is a cheap check that nothing broke out of an attribute.
    return ElementTree.fromstring(str(markup))


def land_paths(root: ElementTree.Element) -> list[ElementTree.Element]:
    return [p for p in root.iter(f"{SVG}path") if "map-land" in p.get("class", "").split()]


def path_for(root: ElementTree.Element, code: str) -> ElementTree.Element:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    d = next(c["d"] for c in data["countries"] if c["code"] == code)
    return next(p for p in land_paths(root) if p.get("d") == d)


def test_data_file_is_small_and_well_formed():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert DATA_FILE.stat().st_size < 120_000
    assert re.fullmatch(r"0 0 \d+ \d+", data["viewBox"])
    assert "Natural Earth" in data["source"]
    for country in data["countries"]:
        assert country["d"].startswith("M")
        assert country["d"].endswith(("z", "Z"))
        assert len(country["label"]) == 2


def test_map_codes_cover_the_newsroom_beats():
    codes = map_codes()
    assert {"KZ", "KG", "TJ", "TM", "UZ", "JP", "CN"} <= codes
    assert "US" not in codes
    assert "" not in codes
    assert map_country_names()["KG"] == "Kyrgyzstan"


def test_one_path_per_country():
    root = parse(render_region_map(title="Region"))
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert len(land_paths(root)) == len(data["countries"])


def test_plain_map_is_an_image_with_title_and_desc():
    root = parse(render_region_map(title="Central Asia", description="A map."))
    assert root.get("role") == "img"
    assert "region-map" in root.get("class").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Central Asia"
    assert desc.text == "A map."
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert root.find(f".//{SVG}a") is None
    # Nothing highlighted or linked, so nothing is labelled.
    assert root.find(f".//{SVG}text") is None


def test_empty_description_omits_desc():
    root = parse(render_region_map(title="Central Asia"))
    assert root.find(f"{SVG}desc") is None
    assert root.get("aria-describedby") is None


def test_highlight_lands_on_the_right_path_only():
    root = parse(render_region_map(highlight="kz", title="Kazakhstan"))
    highlighted = [p for p in land_paths(root) if "map-highlight" in p.get("class").split()]
    assert highlighted == [path_for(root, "KZ")]
    labels = root.findall(f".//{SVG}text")
    assert [t.text for t in labels] == ["Kazakhstan"]
    assert "map-label-highlight" in labels[0].get("class").split()


def test_unknown_highlight_is_ignored():
    for code in ("US", "", "zz"):
        root = parse(render_region_map(highlight=code, title="Nowhere"))
        assert not [p for p in land_paths(root) if "map-highlight" in p.get("class")]
        assert root.find(f".//{SVG}text") is None


def test_links_wrap_paths_in_named_anchors():
    markup = render_region_map(
        links={
            "kg": "/countries/kg/?a=1&b=2",
            "TJ": "/countries/tj/",
            "US": "/countries/us/",
        },
        title="Neighbours",
    )
    root = parse(markup)
    assert root.get("role") == "group"
    anchors = root.findall(f".//{SVG}a")
    assert [(a.get("aria-label"), a.get("href")) for a in anchors] == [
        ("Kyrgyzstan", "/countries/kg/?a=1&b=2"),
        ("Tajikistan", "/countries/tj/"),
    ]
    assert all(a.get("class") == "map-link" for a in anchors)
    assert anchors[0].find(f"{SVG}path") is not None
    # The ampersand is escaped in the raw markup.
    assert 'href="/countries/kg/?a=1&amp;b=2"' in markup
    assert sorted(t.text for t in root.iter(f"{SVG}text")) == [
        "Kyrgyzstan",
        "Tajikistan",
    ]


def test_highlighted_link_keeps_both_roles():
    root = parse(render_region_map(highlight="UZ", links={"UZ": "/uz/"}, title="Uzbekistan"))
    (anchor,) = root.findall(f".//{SVG}a")
    assert anchor.get("href") == "/uz/"
    assert "map-highlight" in anchor.find(f"{SVG}path").get("class").split()
    assert len(root.findall(f".//{SVG}text")) == 1


def test_hostile_strings_are_escaped():
    evil = '"><script>alert(1)</script><x a="'
    markup = str(
        render_region_map(
            highlight=evil,
            links={"JP": "/jp/" + evil},
            title=evil,
            description="<b>bold</b> & " + evil,
        )
    )
    assert "<script" not in markup
    assert "<b>" not in markup
    root = parse(markup)
    assert root.find(f"{SVG}title").text == evil
    assert root.find(f"{SVG}desc").text == "<b>bold</b> & " + evil
    assert root.find(f".//{SVG}a").get("href") == "/jp/" + evil


@pytest.mark.parametrize("href", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:x"])
def test_script_urls_are_refused(href):
    with pytest.raises(ValueError):
        render_region_map(links={"JP": href}, title="Japan")


def test_absolute_http_links_are_allowed():
    root = parse(render_region_map(links={"JP": "https://example.org/jp"}, title="Japan"))
    assert root.find(f".//{SVG}a").get("href") == "https://example.org/jp"


def test_two_maps_get_distinct_ids():
    first = parse(render_region_map(highlight="KZ", title="Same", description="Same"))
    second = parse(render_region_map(highlight="KZ", title="Same", description="Same"))
    ids_first = {e.get("id") for e in first.iter() if e.get("id")}
    ids_second = {e.get("id") for e in second.iter() if e.get("id")}
    assert len(ids_first) == 2
    assert not ids_first & ids_second
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_no_inline_styles_or_scripts():
    markup = str(
        render_region_map(highlight="JP", links={"KZ": "/kz/"}, title="t", description="d")
    )
    assert "style" not in markup
    assert "<script" not in markup
    assert not re.search(r"\son\w+=", markup)
