"""The kicker: the small label above a headline that says where a story is set.

An editor may choose it (`Article.primary_country` or `Article.primary_area`). Otherwise
Summit chooses among the article's countries, preferring the Central Asian ones, since
Japan or a partner is named in nearly every story:

- one candidate: that country;
- several: the one the text names clearly more than any other (at least `LEAD_FACTOR` times
  as often, and `LEAD_MARGIN` times more, so one passing mention decides nothing);
- several Central Asian countries and none leads: "Region", a region-wide piece;
- several other countries and none leads: the most named, then the first by name.

Reading the text is the only costly step, so it happens when the article is saved
(`country_mentions`, stored on the article); the choice itself is made when the card is
shown, from the article's prefetched countries, so it follows later edits of the country
links and costs no query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

from countries.models import CooperationArea, Country
from countries.recognition import recognise
from summit.addresses import reverse_fixed

# Translators: the kicker of a story about the region as a whole rather than one country.
REGION_LABEL = gettext_noop("Region")
# How much more often than the runner-up a country must be named to lead a story.
LEAD_FACTOR = 2
LEAD_MARGIN = 2


@dataclass(frozen=True)
class Kicker:
    label: str
    url: str

    @classmethod
    def of(cls, place: Country | CooperationArea) -> Kicker:
        return cls(place.name, place.get_absolute_url())

    @classmethod
    def region(cls) -> Kicker:
        return cls(gettext(REGION_LABEL), reverse_fixed("countries:list"))


def country_mentions(text: str) -> dict[str, int]:
    """How often `text` names each country, keyed by the country's id as a string (JSON)."""
    return {str(mention.pk): mention.count for mention in recognise(text).countries}


def automatic_kicker(countries: Sequence[Country], mentions: Mapping[str, int]) -> Kicker | None:
    """Summit's choice among an article's `countries`, given its stored `mentions`."""
    central_asian = [c for c in countries if c.role == Country.Role.CENTRAL_ASIA]
    candidates = central_asian or list(countries)
    if len(candidates) <= 1:
        return Kicker.of(candidates[0]) if candidates else None
    # sorted() is stable, so equally named countries keep their order by name.
    ranked = sorted(candidates, key=lambda country: -mentions.get(str(country.pk), 0))
    first, second = (mentions.get(str(country.pk), 0) for country in ranked[:2])
    if first >= LEAD_FACTOR * second and first - second >= LEAD_MARGIN:
        return Kicker.of(ranked[0])
    return Kicker.region() if central_asian else Kicker.of(ranked[0])
