from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events and commitments"

    def ready(self) -> None:
        # Imported here: models and the cache hooks need a ready app registry.
        from events.models import (
            Commitment,
            CommitmentUpdate,
            Event,
            OutcomeDocument,
            StatusChange,
            next_day_boundary,
        )
        from summit import cache, redirects

        # Event pages, lists, the calendar, the register and the panels on the home, country
        # and area pages are cached with the rest: every edit shows at once.
        links = (Event.participants.through, Event.agenda.through, Event.articles.through)
        cache.bump_on_changes_to(
            Event, StatusChange, OutcomeDocument, Commitment, CommitmentUpdate, *links
        )
        # An event moves from "upcoming" to "past" at midnight with nothing saved.
        cache.register_next_change(next_day_boundary)
        # An event's page is public from the start, so every slug change is redirected.
        redirects.track_slug_changes(Event)
