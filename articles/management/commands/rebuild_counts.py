"""Count every published article's countries, areas and tags again from the link tables,
each in the article's language.

The counts are maintained as articles change; rebuild them after changing rows behind the
site's back (raw SQL, a hand-edited database), after changing TIME_ZONE (articles are
counted per month of their publish time in the site's time zone), or to check them.
"""

from django.core.management.base import BaseCommand

from articles.models import LinkTally
from summit.cache import bump_content_generation


class Command(BaseCommand):
    help = (
        "Recount published articles per language, country, area, tag, pair and month from the "
        "link tables (the counts the home page, lists, facets, coverage and archive read)."
    )

    def handle(self, *args, **options) -> None:
        counted = LinkTally.objects.rebuild()
        bump_content_generation()
        self.stdout.write(f"Counted {counted:,} published articles; cached pages refreshed.")
