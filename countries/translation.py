"""Which country and area fields have a version per language (django-modeltranslation).

`country.name` reads the current language's name (`name_ja` on a /ja/ page), falling back to
English when a translation is empty; slugs stay one per country in every language.
"""

from modeltranslation.translator import TranslationOptions, register

from countries.models import CooperationArea, Country


@register(Country)
class CountryTranslationOptions(TranslationOptions):
    fields = ("name", "capital", "summary", "body")


@register(CooperationArea)
class CooperationAreaTranslationOptions(TranslationOptions):
    fields = ("name", "summary", "body")
