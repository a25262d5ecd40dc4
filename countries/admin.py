from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TranslationAdmin

from countries.models import CooperationArea, Country
from summit.admin import HistoryAdmin


# HistoryAdmin records every change as a revision (who, when, what) and can restore it;
# TranslationAdmin puts the English, Japanese and Russian name, summary and body on one page.
class ArticleCountsAdmin(TranslationAdmin, HistoryAdmin):
    """Adds total and published article counts to the list, computed in the list's one query.

    Articles link to countries and areas as `articles`. Which of them are public is the
    articles app's rule, so the count asks the linking model's own `objects.published()`
    through that relation rather than importing it (countries is the lower layer) or
    restating the rule here.
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        linked = self.model._meta.get_field("articles").related_model
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_total=Count("articles", distinct=True),
                published_total=Count(
                    "articles",
                    filter=Q(articles__in=linked.objects.published().values("pk")),
                    distinct=True,
                ),
            )
        )

    @admin.display(description=_("Articles"), ordering="article_total")
    def article_count(self, obj) -> int:
        return obj.article_total

    @admin.display(
        description=pgettext_lazy("number of articles", "Published"), ordering="published_total"
    )
    def published_count(self, obj) -> int:
        return obj.published_total


@admin.register(Country)
class CountryAdmin(ArticleCountsAdmin):
    list_display = ("name", "code", "role", "capital", "article_count", "published_count")
    list_filter = ("role",)
    search_fields = ("name", "slug", "capital", "aliases")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "code", "role", "capital")}),
        (_("Profile"), {"fields": ("summary", "body")}),
        (_("Recognition"), {"fields": ("aliases",)}),
    )


@admin.register(CooperationArea)
class CooperationAreaAdmin(ArticleCountsAdmin):
    list_display = ("name", "position", "article_count", "published_count")
    list_editable = ("position",)
    search_fields = ("name", "slug", "keywords")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("position", "name")
    fieldsets = (
        (None, {"fields": ("name", "slug", "position")}),
        (_("Description"), {"fields": ("summary", "body")}),
        (_("Recognition"), {"fields": ("keywords",)}),
    )
