"""HTML validity: every public page kind passes the W3C Nu HTML checker (vnu) with no errors.

Renders one page of each kind from realistic content, writes them to a folder and runs the
checker once over all of them (the JVM takes seconds to start). The checker is the pinned
`vnu-jar` from tools/vnu (`npm ci` there) and needs a Java runtime. Without them the test is
skipped locally, but fails when the CI environment variable is set, so CI can never pass by
skipping it.

The checker also rejects headings that skip a level (h1 → h3); a second test checks that
without Java, so it holds wherever the checker is skipped.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from articles.preview import share_token
from countries.models import Country
from summit import images
from tests.factories import (
    make_area,
    make_article,
    make_author,
    make_country,
    make_staff,
)

pytestmark = pytest.mark.django_db

VNU_JAR = Path(django_settings.BASE_DIR) / "tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
PER_PAGE = 3

BODY = """Japan's development bank signed the loan in Tashkent on Monday.

## Power lines

The line will carry [hydropower](https://example.org/hydro) south, and “nobody” expected it.

| Year | Capacity (MW) |
|-----:|--------------:|
| 2024 | 120 |
| 2025 | 340 |

- A substation near Almaty
- A converter station in Osh

> Exports are the point of the project.
"""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def jpeg(size: tuple[int, int] = (1200, 800)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def add_lead_image(article: Article) -> None:
    # A random hex name, as an upload gets, so the page lists the WebP renditions in srcset.
    article.lead_image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(jpeg()), save=False)
    article.lead_image_alt = "The Naryn river below the Toktogul dam"
    article.lead_image_credit = "Photo: Summit"
    article.save()
    images.make_renditions(article.lead_image)


@pytest.fixture
def newsroom(settings) -> dict:
    """Content for every page kind: countries of each role, areas, tags, an author, a draft."""
    settings.ARTICLES_PER_PAGE = PER_PAGE
    kz = make_country(
        "Kazakhstan",
        code="KZ",
        capital="Astana",
        summary="The largest economy of Central Asia.",
        body="## Profile\n\nUranium, oil and the **Middle Corridor**.",
    )
    kg = make_country("Kyrgyzstan", code="KG", capital="Bishkek")
    japan = make_country("Japan", code="JP", role=Country.Role.HOST, capital="Tokyo")
    china = make_country("China", code="CN", role=Country.Role.PARTNER, capital="Beijing")
    energy = make_area(
        "Energy",
        summary="Power, grids and fuel.",
        body="## Scope\n\nHydropower, gas and the grids that carry them.",
    )
    disasters = make_area("Disaster response", summary="Earthquakes, floods and drills.")
    author = make_author(
        "yuki",
        display_name="Yuki Tanabe",
        bio="Covers energy and infrastructure from Tokyo.",
        first_name="Yuki",
        last_name="Tanabe",
    )
    lead = make_article(
        "Hydropower loan for Kyrgyzstan",
        dek="Japan finances a line to carry summer power south.",
        body=BODY,
        countries=[kg, kz, japan],
        areas=[energy],
        tags=["hydropower", "JICA"],
        author=author,
        featured=True,
        days_ago=0.5,
    )
    add_lead_image(lead)
    for number in range(8):
        make_article(
            f"Grid talks, round {number}",
            countries=[kz, china] if number % 2 else [kg],
            areas=[energy] if number % 3 else [disasters],
            tags=["hydropower"] if number % 2 else ["earthquakes"],
            author=author if number % 4 == 0 else None,
            days_ago=2 + number * 9,
        )
    draft = make_article(
        "Draft: quake drills in Almaty",
        body=BODY,
        countries=[kz, japan],
        areas=[disasters],
        tags=["earthquakes"],
        published=False,
    )
    return {"lead": lead, "draft": draft, "kz": kz, "energy": energy, "author": author}


def page_urls(newsroom: dict) -> dict[str, tuple[str, int]]:
    """Every public page kind: a file name for it, its address and the status it answers."""
    lead, kz, energy = newsroom["lead"], newsroom["kz"], newsroom["energy"]
    published = timezone.localtime(lead.publish_at)
    search = reverse("articles:search")
    return {
        "home": (reverse("home"), 200),
        "article-list": (reverse("articles:list"), 200),
        "article-list-page-2": (reverse("articles:list") + "?page=2", 200),
        "article-list-faceted": (
            reverse("articles:list") + "?tag=hydropower&country=kazakhstan&area=energy",
            200,
        ),
        "article-detail": (lead.get_absolute_url(), 200),
        "tag-list": (reverse("articles:tag_list"), 200),
        "tag-detail": (reverse("articles:tag", kwargs={"slug": "hydropower"}), 200),
        "country-list": (reverse("countries:list"), 200),
        "country-detail": (kz.get_absolute_url(), 200),
        "area-list": (reverse("areas:list"), 200),
        "area-detail": (energy.get_absolute_url(), 200),
        "coverage": (reverse("coverage:matrix"), 200),
        "search-results": (search + "?q=grid&country=kazakhstan", 200),
        "search-no-results": (search + "?q=zzyzx", 200),
        "search-tips": (search, 200),
        "search-only-exclusions": (search + "?q=-Russia", 200),
        "search-did-you-mean": (search + "?q=Kazakstan", 200),
        "author": (reverse("articles:author", kwargs={"username": "yuki"}), 200),
        "archive": (reverse("articles:archive"), 200),
        "archive-year": (
            reverse("articles:archive_year", kwargs={"year": published.year}),
            200,
        ),
        "archive-month": (
            reverse(
                "articles:archive_month",
                kwargs={"year": published.year, "month": f"{published.month:02d}"},
            ),
            200,
        ),
        "not-found": ("/no-such-page/", 404),
        "bad-request": (reverse("articles:list") + "?country=kazakhstan&country=japan", 400),
        "shared-preview": (
            reverse("articles:shared_preview", kwargs={"token": share_token(newsroom["draft"])}),
            200,
        ),
    }


# Markup the checker must see, so a change to the content above cannot quietly leave it out.
MUST_CONTAIN = {
    "home": b"srcset=",
    "article-detail": b"<table>",
    "article-list": b'class="pagination"',
    "article-list-faceted": b'class="active-filters"',
    "country-list": b"<svg",
    "country-detail": b"<svg",
    "area-detail": b"<svg",
    "search-results": b"<mark>",
    "search-did-you-mean": b"Did you mean",
    "search-tips": b'id="search-tips"',
    "staff-preview": b'id="preview-share-url"',
    "shared-preview": b'class="preview-banner"',
}


def render_pages(client: Client, newsroom: dict, folder: Path) -> dict[str, Path]:
    """Fetch every page kind and write each to `folder`; returns file name -> path."""
    pages = {}
    for name, (url, status) in page_urls(newsroom).items():
        response = client.get(url)
        assert response.status_code == status, f"{name}: {url} answered {response.status_code}"
        pages[name] = response.content
    staff = Client()
    staff.force_login(make_staff())
    preview = staff.get(reverse("articles:preview", kwargs={"pk": newsroom["draft"].pk}))
    assert preview.status_code == 200
    pages["staff-preview"] = preview.content
    for name, markup in MUST_CONTAIN.items():
        assert markup in pages[name], f"{name} lacks {markup!r}"
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, content in pages.items():
        path = folder / f"{name}.html"
        path.write_bytes(content)
        written[path.name] = path
    return written


def vnu_command() -> list[str]:
    """The checker's command line, or a skip (a failure in CI) saying what is missing."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("java (Debian: apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        missing.append(f"{VNU_JAR} (run: npm ci --prefix tools/vnu --ignore-scripts)")
    if missing:
        needed = "; ".join(missing)
        if in_ci():
            pytest.fail(f"vnu missing in CI: {needed}")
        pytest.skip(f"vnu missing: {needed}")
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def run_vnu(command: list[str], paths: list[Path]) -> list[dict]:
    """Check all files in one run of the checker; returns its error messages."""
    result = subprocess.run(
        [*command, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The JSON report goes to stderr; the exit status is 1 whenever there are errors.
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no JSON report (status {result.returncode}):\n{result.stderr}")
    return [message for message in report["messages"] if message.get("type") != "info"]


def describe(messages: list[dict]) -> str:
    by_file: dict[str, list[str]] = defaultdict(list)
    for message in messages:
        name = Path(message.get("url", "?")).name
        line = message.get("lastLine", "?")
        extract = " ".join(message.get("extract", "").split())
        by_file[name].append(f"  line {line}: {message['message']}\n      {extract}")
    return "\n".join(f"{name}:\n" + "\n".join(lines) for name, lines in sorted(by_file.items()))


def test_every_page_kind_passes_the_nu_html_checker(client, newsroom, tmp_path):
    command = vnu_command()  # skip (or fail in CI) before rendering anything
    pages = render_pages(client, newsroom, tmp_path / "pages")
    errors = run_vnu(command, list(pages.values()))
    assert not errors, f"The Nu HTML checker found {len(errors)} error(s):\n{describe(errors)}"


class HeadingLevels(HTMLParser):
    """The levels of a page's headings (h1 to h6), in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))


def skipped_levels(html: str) -> list[str]:
    parser = HeadingLevels()
    parser.feed(html)
    problems = []
    previous = 0
    for level in parser.levels:
        if level > previous + 1:
            problems.append(f"h{previous} → h{level}" if previous else f"starts at h{level}")
        previous = level
    return problems


def test_every_page_kind_has_headings_without_skipped_levels(client, newsroom, tmp_path):
    pages = render_pages(client, newsroom, tmp_path / "pages")
    problems = {
        name: skipped
        for name, path in pages.items()
        if (skipped := skipped_levels(path.read_text(encoding="utf-8")))
    }
    assert not problems, "Headings skip levels:\n" + "\n".join(
        f"  {name}: {', '.join(skipped)}" for name, skipped in sorted(problems.items())
    )


def test_html_datetime_is_iso_8601_to_the_second_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    when = datetime(2026, 3, 1, 9, 30, 5, 477324, tzinfo=UTC)
    rendered = Template("{% load summit_tags %}{{ when|html_datetime }}").render(
        Context({"when": when})
    )
    assert rendered == "2026-03-01T18:30:05+09:00"
