from __future__ import annotations

from dataclasses import dataclass

import reversion
from django.core.signals import setting_changed
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from summit.addresses import reverse_slug
from summit.cache import content_generation


def split_lines(text: str) -> list[str]:
    """Editors keep aliases and keywords one per line; blank lines and stray spaces don't count."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class CountryQuerySet(models.QuerySet):
    def featured_on_home(self) -> CountryQuerySet:
        """The region the publication covers: the Central Asian states and Japan."""
        return self.filter(role__in=[Country.Role.CENTRAL_ASIA, Country.Role.HOST])


# Registered with their model so every revision (admin, commands) covers them; the admin's
# VersionAdmin finds them registered and keeps these options.
@reversion.register()
class Country(models.Model):
    class Role(models.TextChoices):
        CENTRAL_ASIA = "central_asia", _("Central Asian state")
        HOST = "host", _("Host")
        PARTNER = "partner", _("Partner")

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100, unique=True, allow_unicode=True, help_text=_("Used in the page address.")
    )
    code = CountryField(unique=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. KZ."))
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)
    capital = models.CharField(max_length=100, blank=True)
    summary = models.CharField(
        max_length=300, blank=True, help_text=_("One or two sentences shown on cards and lists.")
    )
    body = models.TextField(blank=True, help_text=_("Profile in Markdown."))
    aliases = models.TextField(
        blank=True,
        help_text=_(
            "One per line: other names, demonyms, capitals and major cities, former names and "
            "spellings in other languages, used to recognise the country in text."
        ),
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_slug("countries:detail", self.slug)

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)


@reversion.register()
class CooperationArea(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100, unique=True, allow_unicode=True, help_text=_("Used in the page address.")
    )
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text=_("Description in Markdown."))
    keywords = models.TextField(
        blank=True, help_text=_("One per line: phrases that signal this area in a text.")
    )
    position = models.PositiveIntegerField(
        default=0, help_text=_("Lower numbers are listed first.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("cooperation area")
        verbose_name_plural = _("cooperation areas")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse_slug("areas:detail", self.slug)

    @property
    def keyword_list(self) -> list[str]:
        return split_lines(self.keywords)


@dataclass(frozen=True)
class Places:
    """Every country and cooperation area by id, each in its model's `Meta.ordering`."""

    countries: dict[int, Country]
    areas: dict[int, CooperationArea]

    def in_order(self, ids: set[int], of: dict[int, models.Model]) -> list:
        return [place for pk, place in of.items() if pk in ids]


_kept_places: tuple[int, Places] | None = None


def places() -> Places:
    """Every country and cooperation area, read once per content generation in each process.

    They are a few dozen rows that nearly every page names (kickers, chips, facets), so an
    article page takes them from here instead of joining or prefetching them on each request
    (issue #12). Any write moves the content generation, so an edit shows on the next request
    in every process. The instances are shared by the process's threads: read, never change.
    """
    global _kept_places
    generation = content_generation()
    kept = _kept_places
    if kept is None or kept[0] != generation:
        kept = _kept_places = (
            generation,
            Places(
                countries={country.pk: country for country in Country.objects.all()},
                areas={area.pk: area for area in CooperationArea.objects.all()},
            ),
        )
    return kept[1]


def _forget_places(**kwargs: object) -> None:
    # Tests that swap the cache or the database must not get another setup's rows.
    global _kept_places
    _kept_places = None


setting_changed.connect(_forget_places, dispatch_uid="countries_forget_places")
