"""The pre-publish checklist: what an article needs before it goes live.

One function, `run_checklist()`, answers for the write path (`Article.publish` refuses with
`ChecklistError`), the admin form (before anything is saved, with the values the editor
submitted) and the review panel (✓/✗ for each item). It reads the article through the values
it is given and never imports `articles.models`, which imports it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from countries.models import CooperationArea, Country
from media_library.models import Image
from summit.models import Redirect

# Longer titles are cut off on social cards (X, LinkedIn, Facebook show about this many).
TITLE_MAX_LENGTH = 70

# `![alt](image:42 "caption")`: a media-library image by its id.
IMAGE_REFERENCE = re.compile(r"^image:(\d+)$")


class ChecklistError(Exception):
    """The article misses what the checklist asks for, and nobody gave a reason to override."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _("Not published: the pre-publish checklist found %(problems)s.") % {
            "problems": "; ".join(self.problems)
        }

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class CheckItem:
    """One line of the checklist: what is checked, whether it passes, and if not, why."""

    label: str
    passed: bool
    problem: str = ""


@dataclass
class ChecklistInput:
    """What the checklist reads: an article's values, saved or about to be."""

    title: str
    dek: str
    body: str
    has_lead_image: bool
    lead_image_alt: str
    country_count: int
    area_count: int
    # The article's own model (`Article`), for links to other articles, and its own id.
    article_model: type[models.Model]
    pk: int | None = None

    @classmethod
    def of(
        cls,
        article: Any,
        *,
        countries: Iterable[Any] | None = None,
        areas: Iterable[Any] | None = None,
        **values: Any,
    ) -> ChecklistInput:
        """The input for `article`, with `values` (title, dek, body, lead_image,
        lead_image_alt) and `countries`/`areas` taking the place of what is saved."""

        def value(name: str) -> Any:
            return values[name] if name in values else getattr(article, name)

        if countries is None:
            countries = article.countries.all() if article.pk else []
        if areas is None:
            areas = article.cooperation_areas.all() if article.pk else []
        return cls(
            title=value("title") or "",
            dek=value("dek") or "",
            body=value("body") or "",
            has_lead_image=bool(value("lead_image")),
            lead_image_alt=value("lead_image_alt") or "",
            country_count=len(list(countries)),
            area_count=len(list(areas)),
            article_model=type(article),
            pk=article.pk,
        )


def run_checklist(data: ChecklistInput) -> list[CheckItem]:
    """Every item of the checklist for `data`, in the order editors read them."""
    title_length = len(data.title.strip())
    broken = broken_links(data.body, article_model=data.article_model)
    items = [
        CheckItem(_("Standfirst written"), bool(data.dek.strip()), _("no standfirst")),
        CheckItem(_("At least one country"), data.country_count > 0, _("no country chosen")),
        CheckItem(
            _("At least one cooperation area"),
            data.area_count > 0,
            _("no cooperation area chosen"),
        ),
        CheckItem(
            _("Lead image described"),
            not data.has_lead_image or bool(data.lead_image_alt.strip()),
            _("the lead image has no description (alt text)"),
        ),
        CheckItem(
            _("No broken links to this site or its images"),
            not broken,
            _("broken links: %(links)s") % {"links": ", ".join(broken)},
        ),
        CheckItem(
            _("Title fits social cards (%(max)d characters at most)") % {"max": TITLE_MAX_LENGTH},
            title_length <= TITLE_MAX_LENGTH,
            _("the title has %(length)d characters, more than the %(max)d social cards show")
            % {"length": title_length, "max": TITLE_MAX_LENGTH},
        ),
    ]
    return [item if not item.passed else CheckItem(item.label, True) for item in items]


def checklist_problems(data: ChecklistInput) -> list[str]:
    """What `data` misses, in words (empty when it may be published)."""
    return [item.problem for item in run_checklist(data) if not item.passed]


# Links in the body.


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (tag, name) in {("a", "href"), ("img", "src")}:
                self.links.append(value.strip())


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def links_in(body: str) -> list[str]:
    """Every link and image address in the Markdown `body` (raw HTML included), in order."""
    collector = _LinkCollector()
    collector.feed(_markdown().render(body or ""))
    collector.close()
    return list(dict.fromkeys(collector.links))


def _own_hosts() -> list[str]:
    # A wildcard host would make every site ours; it says nothing about which links are.
    return [host for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]


def internal_path(link: str) -> str | None:
    """The path of `link` on this site (relative `/…`, or absolute on one of our hosts)."""
    parts = urlsplit(link)
    if parts.scheme in {"http", "https"} and parts.netloc:
        host, _port = split_domain_port(parts.netloc.rsplit("@", 1)[-1])
        if not host or not validate_host(host, _own_hosts()):
            return None
        return unquote(parts.path or "/")
    if not parts.scheme and not parts.netloc and link.startswith("/"):
        return unquote(parts.path)
    return None


def _language_of(path: str) -> str:
    first = path.lstrip("/").split("/", 1)[0]
    codes = {code for code, _name in settings.LANGUAGES}
    return first if first in codes else settings.LANGUAGE_CODE


# Pages whose address names a row: the path resolves whatever the slug, so look the row up.
def _slug_lookups(article_model: type[models.Model]) -> dict[str, Any]:
    tag_model = article_model.tags.through.tag_model()
    return {
        "articles:detail": article_model._default_manager,
        "articles:tag": tag_model._default_manager,
        "articles:tag_feed": tag_model._default_manager,
        "countries:detail": Country.objects,
        "countries:feed": Country.objects,
        "areas:detail": CooperationArea.objects,
        "areas:feed": CooperationArea.objects,
    }


def broken_links(body: str, *, article_model: type[models.Model]) -> list[str]:
    """The links of `body` that lead nowhere: paths of this site that no page answers (a
    slug that names nothing and never moved), and `image:N` references to images that are
    not in the media library. Links to other sites are not checked (that needs the network).

    A few queries whatever the number of links: one per kind of page linked to, one for
    images and one for redirects.
    """
    broken: list[str] = []
    wanted_images: dict[int, str] = {}
    # view name → slug → the (link, path) pairs naming it
    wanted_slugs: dict[str, dict[str, list[tuple[str, str]]]] = {}
    # (link, path) pairs that name no page: broken unless they redirect
    unresolved: list[tuple[str, str]] = []
    slug_lookups = _slug_lookups(article_model)
    media_url = "/" + settings.MEDIA_URL.strip("/") + "/"
    static_url = "/" + settings.STATIC_URL.strip("/") + "/"
    links = links_in(body)
    for link in links:
        image = IMAGE_REFERENCE.match(link)
        if image:
            wanted_images[int(image.group(1))] = link
            continue
        path = internal_path(link)
        if path is None:
            continue
        if path.startswith(static_url):
            continue  # files of the site itself, not editors' content
        if path.startswith(media_url):
            if not default_storage.exists(path[len(media_url) :]):
                broken.append(link)
            continue
        with translation.override(_language_of(path)):
            try:
                match = resolve(path)
            except Resolver404:
                unresolved.append((link, path))
                continue
        if match.view_name in slug_lookups and "slug" in match.kwargs:
            by_slug = wanted_slugs.setdefault(match.view_name, {})
            by_slug.setdefault(match.kwargs["slug"], []).append((link, path))
    if wanted_images:
        found = set(Image.objects.filter(pk__in=wanted_images).values_list("pk", flat=True))
        broken += [link for pk, link in wanted_images.items() if pk not in found]
    for view_name, by_slug in wanted_slugs.items():
        found = set(slug_lookups[view_name].filter(slug__in=by_slug).values_list("slug", flat=True))
        unresolved += [
            pair for slug, pairs in by_slug.items() if slug not in found for pair in pairs
        ]
    if unresolved:
        # An old address that redirects to the new one still works for readers.
        moved = set(
            Redirect.objects.filter(old_path__in=[path for _link, path in unresolved]).values_list(
                "old_path", flat=True
            )
        )
        broken += [link for link, path in unresolved if path not in moved]
    # In the order the body has them, which is how the editor will look for them.
    return sorted(broken, key=links.index)
