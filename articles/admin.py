from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.checks import ModelAdminChecks
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from taggit.models import Tag as TaggitDefaultTag

from articles.models import Article, Tag, published_condition

# Summit uses its own Tag model (Unicode slugs); taggit's default one stays empty.
admin.site.unregister(TaggitDefaultTag)


class ArticleAdminChecks(ModelAdminChecks):
    """Lets the form include the many-to-many fields whose through models are plain links.

    Django refuses such fields because a through model may carry extra required columns;
    ArticleCountry and ArticleArea carry none, they exist only to PROTECT countries and areas.
    """

    def _check_field_spec_item(self, obj, field_name, label):
        if field_name in obj.autocomplete_fields:
            return []
        return super()._check_field_spec_item(obj, field_name, label)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    checks_class = ArticleAdminChecks
    list_display = ("title", "visibility", "publish_at", "author", "country_names", "featured")
    list_display_links = ("title",)
    list_filter = ("status", "featured", "countries", "cooperation_areas", "tags", "publish_at")
    list_select_related = ("author",)
    search_fields = ("title", "dek", "body")
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("countries", "cooperation_areas")
    readonly_fields = ("author", "created_at", "updated_at")
    actions = ("publish_now", "unpublish")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("title", "slug", "dek", "body")}),
        ("Publication", {"fields": ("status", "publish_at", "featured", "byline", "author")}),
        ("Taxonomy", {"fields": ("countries", "cooperation_areas", "tags")}),
        (
            "Lead image",
            {"fields": ("lead_image", "lead_image_alt", "lead_image_credit")},
        ),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        # One extra query per page of the list, not one per row.
        return super().get_queryset(request).prefetch_related("countries")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The admin skips many-to-many fields that have their own through model; ours only
        # exist to protect countries and areas from deletion, so edit them as usual.
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            return db_field.formfield(**kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj: Article) -> str | None:
        return obj.get_absolute_url() if obj.is_public else None

    @admin.display(description="Status", ordering="status")
    def visibility(self, obj: Article) -> str:
        if obj.is_scheduled:
            return f"Scheduled for {timezone.localtime(obj.publish_at):%d %b %Y %H:%M}"
        return obj.get_status_display()

    @admin.display(description="Countries")
    def country_names(self, obj: Article) -> str:
        return ", ".join(country.name for country in obj.countries.all())

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.publish_article")

    @admin.action(description="Publish now", permissions=["publish"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        count = queryset.update(status=Article.Status.PUBLISHED, publish_at=timezone.now())
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish (back to draft)", permissions=["publish"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        count = queryset.update(status=Article.Status.DRAFT)
        self.message_user(request, f"Moved {count} article(s) back to draft.", messages.SUCCESS)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "article_count", "published_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_total=Count("tagged_articles", distinct=True),
                published_total=Count(
                    "tagged_articles",
                    filter=published_condition("tagged_articles__content_object__"),
                    distinct=True,
                ),
            )
        )

    @admin.display(description="Articles", ordering="article_total")
    def article_count(self, obj: Tag) -> int:
        return obj.article_total

    @admin.display(description="Published", ordering="published_total")
    def published_count(self, obj: Tag) -> int:
        return obj.published_total
