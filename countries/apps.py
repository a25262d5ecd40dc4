from django.apps import AppConfig


class CountriesConfig(AppConfig):
    name = "countries"
    verbose_name = "Countries and cooperation areas"

    def ready(self) -> None:
        # Imported here: models and the redirect machinery need a ready app registry.
        import reversion

        from countries.models import CooperationArea, Country
        from summit import cache, redirects

        # Registered again now that django-modeltranslation (whose app is ready first) has
        # added the per-language fields: django-reversion fixes the field list when a model
        # is registered, and a restored revision must bring back name_ja and name_ru too.
        for model in (Country, CooperationArea):
            reversion.unregister(model)
            reversion.register(model)

        cache.bump_on_changes_to(Country, CooperationArea)
        # A country's or area's page is always public, so every slug change is redirected.
        redirects.track_slug_changes(Country)
        redirects.track_slug_changes(CooperationArea)
