from django.apps import AppConfig


class CountriesConfig(AppConfig):
    name = "countries"
    verbose_name = "Countries and cooperation areas"

    def ready(self) -> None:
        # Imported here: models and the redirect machinery need a ready app registry.
        from countries.models import CooperationArea, Country
        from summit import cache, redirects

        cache.bump_on_changes_to(Country, CooperationArea)
        # A country's or area's page is always public, so every slug change is redirected.
        redirects.track_slug_changes(Country)
        redirects.track_slug_changes(CooperationArea)
