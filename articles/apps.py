from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def restore_search_trigger(sender, using: str, **kwargs) -> None:
    if connections[using].vendor == "sqlite":
        from articles.search_backends.sqlite import ensure_delete_trigger

        ensure_delete_trigger(using)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        from articles import signals
        from articles.models import Article, Tag
        from summit import redirects

        signals.connect()
        post_migrate.connect(restore_search_trigger, sender=self)
        # A draft's address was never public; a redirect would only leak its new title.
        redirects.track_slug_changes(
            Article,
            when=lambda before, after: Article.Status.PUBLISHED in (before.status, after.status),
            reads=("status",),
        )
        redirects.track_slug_changes(Tag)
