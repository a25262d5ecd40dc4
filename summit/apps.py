from django.apps import AppConfig


class SummitConfig(AppConfig):
    name = "summit"
    verbose_name = "Summit"

    def ready(self) -> None:
        # Registered here, not in urls.py, so every app's URLconf can use it whatever the
        # import order.
        from summit import converters

        converters.register()
