"""Choose every published article's related articles again, from the link tables.

The choice is kept as articles are written (`RelatedArticle`); rebuild it after upgrading a
site whose articles were written before it was kept, after a bulk write too large to choose
for in the request (a tag merge over hundreds of articles), or after changing rows behind the
site's back. Until then such articles' pages score their related articles as they are read.
"""

import time

from django.core.management.base import BaseCommand

from articles.models import RelatedArticle
from summit.cache import bump_content_generation


class Command(BaseCommand):
    help = (
        "Choose the related articles of every published article again (what article pages "
        "show under 'Related analysis')."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        chosen = RelatedArticle.objects.rebuild()
        bump_content_generation()
        self.stdout.write(
            f"Chose related articles for {chosen:,} published articles in "
            f"{time.monotonic() - started:.0f} s; cached pages refreshed."
        )
