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
        from django.contrib.auth import get_user_model

        from articles import dashboard, notifications, signals
        from articles.events import articles_changed, review_step
        from articles.models import (
            Article,
            ArticleArea,
            ArticleCountry,
            AuthorProfile,
            Tag,
            TaggedArticle,
        )
        from summit import cache, redirects

        signals.connect()
        # Email about review steps, sent once each step has committed.
        review_step.connect(
            notifications.on_review_step, dispatch_uid="articles.notifications", weak=False
        )
        # Everything cached for readers follows the content (summit/cache.py).
        articles_changed.connect(
            cache.bump_content_generation, dispatch_uid="articles.cache", weak=False
        )
        link_models = (TaggedArticle, ArticleCountry, ArticleArea)
        cache.bump_on_changes_to(Article, Tag, *link_models, AuthorProfile, get_user_model())
        # A scheduled article goes live at its time with nothing saved (one indexed query).
        cache.register_next_change(
            lambda: (
                Article.objects.scheduled()
                .order_by("publish_at")
                .values_list("publish_at", flat=True)
                .first()
            )
        )
        post_migrate.connect(restore_search_trigger, sender=self)
        # The desk's panels on the admin home page (summit/dashboard.py).
        dashboard.register()
        # A draft's address was never public; a redirect would only leak its new title.
        redirects.track_slug_changes(
            Article,
            when=lambda before, after: Article.Status.PUBLISHED in (before.status, after.status),
            reads=("status",),
        )
        redirects.track_slug_changes(Tag)
