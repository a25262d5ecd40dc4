"""Render and store the HTML of every article body whose stored rendering is missing or stale.

`Article.save()` keeps the rendering in step with the body; a body written behind it (bulk
inserts, `QuerySet.update()`, raw SQL, an older site upgraded) or a change to the Markdown
pipeline (`articles.body.PIPELINE_VERSION`) leaves it stale, and such pages render the body as
they are shown until this command stores it. Safe to run at any time, and again.
"""

import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from articles.body import rendering_key
from articles.models import Article

BATCH = 500


class Command(BaseCommand):
    help = "Store the rendered HTML of every article body that lacks an up-to-date one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="render every body, not only the stale ones"
        )

    def handle(self, *args, all: bool = False, **options) -> None:
        started = time.monotonic()
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        rendered = 0
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                articles = Article.objects.filter(pk__in=ids[start : start + BATCH]).only(
                    "pk", "body", "body_rendered", "body_rendered_for"
                )
                stale = []
                for article in articles:
                    if all or article.body_rendered_for != rendering_key(article.body):
                        article.body_rendered_for = ""  # render even when the key matches
                        article.store_rendered_body()
                        stale.append(article)
                Article.objects.bulk_update(stale, ["body_rendered", "body_rendered_for"])
                rendered += len(stale)
        # A stored rendering shows exactly what a live one did, so no cached page changes.
        self.stdout.write(
            f"Rendered {rendered:,} of {len(ids):,} article bodies in "
            f"{time.monotonic() - started:.0f} s."
        )
