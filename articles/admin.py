from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from taggit.models import Tag as TaggitDefaultTag

from articles import tags
from articles.admin_forms import (
    ArticleAdminForm,
    LeadImageFormField,
    MergeTagsForm,
    TagAdminForm,
    TagAutocompleteWidget,
)
from articles.assistant_admin import AssistantAdminMixin
from articles.corrections_admin import CorrectionsAdminMixin
from articles.editor import EditorAdminMixin
from articles.history import ReadableDiffMixin
from articles.models import (
    Article,
    AuthorProfile,
    ChecklistError,
    Tag,
    TaggedArticle,
    published_condition,
    record_revision,
    without_history,
)
from articles.review_admin import ReviewAdminMixin
from articles.workflow import (
    EDITOR_ONLY_FIELDS,
    WHY_EDITORS_PUBLISH,
    is_editor,
    may_modify,
    publication_state,
    publish_time_for_display,
)
from summit import images
from summit.admin import HistoryAdmin

# Summit uses its own Tag model (Unicode slugs); taggit's default one stays empty.
admin.site.unregister(TaggitDefaultTag)


# What a Contributor sees in place of the publication fields they may not set.
CONTRIBUTOR_VIEW_OF = {
    "status": "status_for_contributor",
    "publish_at": "publish_time_for_contributor",
}


def _contributor_view(field: str | tuple[str, ...]) -> str | tuple[str, ...]:
    if isinstance(field, str):
        return CONTRIBUTOR_VIEW_OF.get(field, field)
    return tuple(CONTRIBUTOR_VIEW_OF.get(name, name) for name in field)


# The article form. Given by `get_fieldsets()` rather than the `fieldsets` attribute: Django's
# system check refuses there a many-to-many field with its own through model, since such a
# model may need values the form cannot give. ArticleCountry and ArticleArea need none (they
# exist only to PROTECT countries and areas), and `formfield_for_manytomany` builds their field.
ARTICLE_FIELDSETS = (
    (None, {"fields": ("title", "slug", "dek", "body", "loaded_version")}),
    (gettext_lazy("Language"), {"fields": (("language", "translation_of"),)}),
    (
        gettext_lazy("Publication"),
        {"fields": ("status", "publish_at", "featured", "byline", "author")},
    ),
    (
        gettext_lazy("Taxonomy"),
        {
            "fields": (
                "countries",
                "cooperation_areas",
                "tags",
                ("primary_country", "primary_area"),
            )
        },
    ),
    (
        gettext_lazy("Lead image"),
        {
            "fields": (
                "lead_image",
                "lead_image_alt",
                "lead_image_credit",
                "lead_image_focal_x",
                "lead_image_focal_y",
            )
        },
    ),
    (gettext_lazy("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
)


@admin.register(Article)
class ArticleAdmin(
    ReviewAdminMixin,
    CorrectionsAdminMixin,
    EditorAdminMixin,
    AssistantAdminMixin,
    ReadableDiffMixin,
    HistoryAdmin,
):
    """The editors' desk for articles.

    Roles (articles/workflow.py): Contributors write and edit their own drafts; Editors
    publish, schedule, feature and edit anything. Every write goes through the model's
    editorial write path (`Article.save_revision`, `ArticleQuerySet.revise`): one transaction,
    refused if someone else saved first, recorded as a revision that can be restored.
    """

    form = ArticleAdminForm
    # In diffs, taxonomy shows as its link rows ("… tagged with energy"); the many-to-many
    # fields themselves would repeat it (and taggit's cannot be compared); the version
    # and timestamps change on every save.
    compare_exclude = (
        "tags",
        "countries",
        "cooperation_areas",
        "version",
        "updated_at",
        "author",
        "search_document",
        "country_mentions",
        "share_link_generation",
    )
    list_display = (
        "title",
        "visibility",
        "language",
        "translation_languages",
        "publish_at",
        "author",
        "country_names",
        "featured",
    )
    list_display_links = ("title",)
    list_filter = (
        "status",
        "language",
        "featured",
        "countries",
        "cooperation_areas",
        "tags",
        "publish_at",
    )
    search_fields = ("title", "dek", "body")
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("countries", "cooperation_areas", "translation_of")
    readonly_fields = ("author", "created_at", "updated_at")
    actions = ("publish_now", "unpublish")
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        # One extra query per page of the list for each, not one per row. The author is
        # named here rather than left to `list_select_related`, which the change list
        # ignores once the queryset selects any relation (it cost a query per row).
        return (
            super()
            .get_queryset(request)
            .select_related("author", "translation_of")
            .prefetch_related("countries", "translations")
        )

    # Translations: which exist, and "Add translation" prefilling a draft from the original.

    @admin.display(description=gettext_lazy("Translations"))
    def translation_languages(self, obj: Article) -> str:
        """The story's other languages: an original lists its translations, a translation
        names its original's language."""
        if obj.translation_of_id:
            # Translators: in the article list, a translation's column names its original's
            # language, e.g. "of English".
            return _("of %(language)s") % {"language": obj.translation_of.get_language_display()}
        return ", ".join(version.get_language_display() for version in obj.translations.all())

    def story_versions(self, article: Article) -> list[dict]:
        """Each language of `article`'s story: its version (to open) or the link adding one."""
        story = {version.language: version for version in Article.objects.in_story(article)}
        original = article.translation_of or article
        versions = []
        for code, name in Article.Language.choices:
            version = story.get(code)
            entry = {"code": code, "name": name, "article": version}
            if version is not None:
                entry["url"] = reverse("admin:articles_article_change", args=[version.pk])
            else:
                query = f"?translation_of={original.pk}&language={code}"
                entry["add_url"] = reverse("admin:articles_article_add") + query
            versions.append(entry)
        return versions

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """ "Add translation": the new draft starts as a copy of the original in the chosen
        language, with the story's countries and areas, for the translator to rewrite."""
        initial = super().get_changeform_initial_data(request)
        original_id = request.GET.get("translation_of", "")
        if not original_id.isdigit():
            return initial
        original = (
            Article.objects.filter(pk=original_id, translation_of__isnull=True)
            .prefetch_related("countries", "cooperation_areas")
            .first()
        )
        if original is None:
            return initial
        language = request.GET.get("language", "")
        if language not in Article.Language.values or language == original.language:
            language = next(code for code in Article.Language.values if code != original.language)
        initial.update(
            {
                "translation_of": original.pk,
                "language": language,
                "title": original.title,
                "dek": original.dek,
                "body": original.body,
                "byline": original.byline,
                "countries": [country.pk for country in original.countries.all()],
                "cooperation_areas": [area.pk for area in original.cooperation_areas.all()],
                "primary_country": original.primary_country_id,
                "primary_area": original.primary_area_id,
            }
        )
        return initial

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs.setdefault("help_text", TagAutocompleteWidget.help_text)
            return db_field.formfield(widget=TagAutocompleteWidget(), **kwargs)
        if db_field.name == "lead_image":
            kwargs["form_class"] = LeadImageFormField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # The admin skips many-to-many fields that have their own through model; ours only
        # exist to protect countries and areas from deletion, so edit them as usual.
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            return db_field.formfield(**kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # Roles: what each user may see, change and delete.

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not is_editor(request.user):
            readonly += [name for name in EDITOR_ONLY_FIELDS if name not in readonly]
            readonly += list(CONTRIBUTOR_VIEW_OF.values())
        return readonly

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None):
        fieldsets = (*ARTICLE_FIELDSETS, *self.review_fieldsets(request, obj))
        if is_editor(request.user):
            return fieldsets
        # A bare "Draft" and the time the page was opened would read as facts about
        # publication; Contributors see instead why they cannot set them.
        return [
            (name, {**options, "fields": [_contributor_view(f) for f in options["fields"]]})
            for name, options in fieldsets
        ]

    @admin.display(description=gettext_lazy("Status"))
    def status_for_contributor(self, obj: Article) -> str:
        if obj.status != Article.Status.DRAFT:
            return publication_state(obj)
        # A span: the admin indents a help paragraph, which inside a read-only value misaligns.
        return format_html(
            '{}<br><span class="help">{}</span>', publication_state(obj), _(WHY_EDITORS_PUBLISH)
        )

    @admin.display(description=gettext_lazy("Publish at"))
    def publish_time_for_contributor(self, obj: Article) -> str:
        return publish_time_for_display(obj)

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_change_permission(request, obj) and may_modify(
            request.user, obj, "change"
        )

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_delete_permission(request, obj) and may_modify(
            request.user, obj, "delete"
        )

    def get_deleted_objects(self, objs, request: HttpRequest):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The bulk "delete selected" action asks only about the model, not each article.
        refused = [obj for obj in objs if not may_modify(request.user, obj, "delete")]
        if refused:
            perms_needed = set(perms_needed) | {
                _("“%(article)s” (published, or not yours)") % {"article": obj} for obj in refused
            }
        return deleted, model_count, perms_needed, protected

    # Saving: the article, its tags, countries and areas are one editorial write
    # (`Article.save_revision`), in the admin's transaction, refused on a stale form.

    def create_revision(self, request: HttpRequest) -> AbstractContextManager:
        """VersionAdmin's hook around its views: here only for restore and recover.

        Article writes record their own revision, and a deletion must be recorded before
        the rows go, which a block held open until the view ends would delay past. Reversion's
        restore and recover views still need a block for their comment ("Reverted to…"):
        one that records only what `save_revision` adds to it.
        """
        if self.version_being_restored(request) is None:
            return nullcontext()
        return reversion.create_revision(manage_manually=True)

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not is_editor(request.user) and obj.status != Article.Status.DRAFT:
            # The form has no status field for Contributors; this catches anything else.
            raise PermissionDenied("Only editors may publish or schedule articles.")
        if not change and obj.author_id is None:
            obj.author = request.user
        # Saved in save_related, with the tags, countries and areas the admin saves there.

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        article = form.instance
        message = self.construct_change_message(request, form, formsets, not change)
        # Submitted, returned, published or an ordinary save (articles/review_admin.py).
        self.save_article(
            request,
            form,
            change,
            # The admin's change message, as History lists it ("Changed Title and Body.").
            comment=LogEntry(change_message=json.dumps(message)).get_change_message(),
            expected_version=form.cleaned_data.get("loaded_version") if change else None,
            set_related=lambda: super(ArticleAdmin, self).save_related(
                request, form, formsets, change
            ),
        )
        if "lead_image" in form.changed_data and article.lead_image:
            images.make_renditions(article.lead_image)
        if article.lead_image and images.has_renditions(article.lead_image.name):
            # A new image or focal point gets its crops; so does a restored revision whose
            # focal point's crops were deleted when another was chosen.
            focal_point = (article.lead_image_focal_x, article.lead_image_focal_y)
            if {"lead_image", "lead_image_focal_x", "lead_image_focal_y"} & set(
                form.changed_data
            ) or not images.has_focal_crops(article.lead_image, *focal_point):
                images.make_focal_crops(article.lead_image, *focal_point)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        Article.objects.filter(pk=obj.pk).delete_with_history(user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        queryset.delete_with_history(user=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {}
        if object_id.isascii() and object_id.isdigit():
            context["preview_url"] = reverse("articles:preview", args=[object_id])
            article = Article.objects.filter(pk=object_id).select_related("translation_of").first()
            if article is not None:
                context["story_versions"] = self.story_versions(article)
            # Shown only to those who may change the article (the template asks).
            context["revoke_share_links_url"] = reverse(
                "admin:articles_article_revoke_share_links", args=[object_id]
            )
        context.update(extra_context or {})
        return super().change_view(request, object_id, form_url, context)

    # Share links: anyone who may change the article may revoke every link made so far.

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revoke-share-links/",
                self.admin_site.admin_view(self.revoke_share_links_view),
                name="articles_article_revoke_share_links",
            ),
            *super().get_urls(),
        ]

    def revoke_share_links_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Asks first (a GET shows what will happen); a POST revokes and says so."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            article.revoke_share_links(user=request.user)
            self.message_user(
                request,
                _(
                    "Share links of “%(article)s” revoked: every link shared until now answers "
                    "“not found”. Open Preview to get a new link."
                )
                % {"article": article},
                messages.SUCCESS,
            )
            return redirect("admin:articles_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revoke share links"),
            "opts": self.opts,
            "original": article,
            "link_max_age_days": settings.PREVIEW_LINK_MAX_AGE.days,
        }
        return TemplateResponse(request, "admin/articles/article/revoke_share_links.html", context)

    # Restoring a revision and recovering a deleted article are editors' calls.

    def revision_view(self, request: HttpRequest, object_id: str, version_id, extra_context=None):
        if not is_editor(request.user):
            raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request: HttpRequest, version_id, extra_context=None):
        if not is_editor(request.user):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request: HttpRequest, extra_context=None):
        if not is_editor(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def get_object(self, request: HttpRequest, object_id: str, from_field=None) -> Article | None:
        article = super().get_object(request, object_id, from_field)
        if article is None or self.version_being_restored(request) is None:
            return article
        # Before the form sees it: a form keeping an image reads its size from the file.
        description = article.lead_image_alt
        if article.drop_missing_lead_image():
            if description:
                message = _(
                    "The lead image of this version (“%(description)s”) was deleted once no "
                    "article used it, so it cannot come back: the article is restored without a "
                    "lead image, description, credit or focal point. Upload the image again to "
                    "show one."
                ) % {"description": description}
            else:
                message = _(
                    "The lead image of this version was deleted once no article used it, so it "
                    "cannot come back: the article is restored without a lead image, "
                    "description, credit or focal point. Upload the image again to show one."
                )
            self.message_user(request, message, messages.WARNING)
        return article

    def response_add(self, request: HttpRequest, obj: Article, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.message_user(request, _state_sentence(obj), messages.INFO)
        return response

    def response_change(self, request: HttpRequest, obj: Article) -> HttpResponse:
        # Whether the save put the article live, scheduled it or kept it a draft is what an
        # editor most needs to know, and the default message does not say.
        response = super().response_change(request, obj)
        self.message_user(request, _state_sentence(obj), messages.INFO)
        return response

    def view_on_site(self, obj: Article) -> str | None:
        # The page readers see now: a form shown again with errors holds unsaved values (an
        # emptied slug, a draft status) that name no page.
        saved = Article.objects.published().filter(pk=obj.pk).only("slug").first()
        return saved.get_absolute_url() if saved else None

    @admin.display(description=gettext_lazy("Status"), ordering="status")
    def visibility(self, obj: Article) -> str:
        if obj.is_scheduled:
            # Translators: letters of Django's `date` filter for the time in the article list's
            # "Scheduled for …", which English shows as "01 Jan 2099 09:00".
            time_format = pgettext("date format", "d M Y H:i")
            when = date_format(timezone.localtime(obj.publish_at), time_format)
            return _("Scheduled for %(time)s") % {"time": when}
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("Countries"))
    def country_names(self, obj: Article) -> str:
        return ", ".join(country.name for country in obj.countries.all())

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.publish_article")

    @admin.action(description=gettext_lazy("Publish now"), permissions=["publish"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        # Publishing a live article again would only move its date to now.
        live = dict(queryset.filter(published_condition()).values_list("pk", "title"))
        # Each through the write path, which runs the pre-publish checklist: one that fails
        # stays as it is, and the editor learns what it misses.
        to_publish = list(
            Article.objects.filter(pk__in=queryset.exclude(pk__in=live).values("pk"))
            .prefetch_related("countries", "cooperation_areas")
            .order_by("pk")
        )
        unversioned = {article.pk for article in without_history(to_publish)}
        count, refused = 0, []
        for article in to_publish:
            try:
                with transaction.atomic():
                    if article.pk in unversioned:
                        # So that the list action can be undone from History.
                        record_revision(
                            [article], user=request.user, comment="Before a list action"
                        )
                    article.publish(user=request.user, comment="From the article list")
            except ChecklistError as error:
                refused.append((article, error.problems))
            else:
                count += 1
        done = ngettext("Published %(n)d article.", "Published %(n)d articles.", count)
        skipped = ngettext(
            "Skipped %(n)d article already live: %(titles)s.",
            "Skipped %(n)d articles already live: %(titles)s.",
            len(live),
        )
        self._report_action(request, done, count, skipped, list(live.values()))
        for article, problems in refused:
            self.message_user(
                request,
                _("Skipped “%(article)s”: the pre-publish checklist found %(problems)s.")
                % {"article": article, "problems": "; ".join(problems)},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        drafts = dict(queryset.filter(status=Article.Status.DRAFT).values_list("pk", "title"))
        count = queryset.exclude(pk__in=drafts).revise(
            user=request.user,
            comment="Moved back to draft from the article list",
            before_comment="Before a list action",
            status=Article.Status.DRAFT,
        )
        done = ngettext(
            "Unpublished %(n)d article: it is a draft again.",
            "Unpublished %(n)d articles: they are drafts again.",
            count,
        )
        skipped = ngettext(
            "Skipped %(n)d article that was a draft already: %(titles)s.",
            "Skipped %(n)d articles that were drafts already: %(titles)s.",
            len(drafts),
        )
        self._report_action(request, done, count, skipped, list(drafts.values()))

    def _report_action(
        self, request: HttpRequest, done: str, count: int, skipped: str, left: list[str]
    ) -> None:
        """Say what a list action changed and which selected articles it left alone, and why."""
        if count:
            self.message_user(request, done % {"n": count}, messages.SUCCESS)
        if left:
            self.message_user(
                request,
                skipped % {"n": len(left), "titles": _title_list(left)},
                messages.INFO if count else messages.WARNING,
            )


class TagUsageFilter(admin.SimpleListFilter):
    title = gettext_lazy("usage")
    parameter_name = "usage"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [
            ("unused", _("Unused")),
            ("drafts", _("Only on unpublished articles")),
            ("published", _("On published articles")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Tag]) -> QuerySet[Tag]:
        if self.value() == "unused":
            return queryset.filter(article_total=0)
        if self.value() == "drafts":
            return queryset.filter(article_total__gt=0, published_total=0)
        if self.value() == "published":
            return queryset.filter(published_total__gt=0)
        return queryset


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags: rename, merge duplicates, find likely duplicates and unused tags.

    Deleting a tag in use lists its articles for confirmation, and only Editors may do it.
    """

    form = TagAdminForm
    list_display = ("name", "slug", "article_count", "published_count")
    list_filter = (TagUsageFilter,)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)
    actions = ("merge_selected_tags",)

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

    def get_urls(self):
        return [
            path(
                "autocomplete/",
                self.admin_site.admin_view(self.autocomplete_view),
                name="articles_tag_autocomplete",
            ),
            path("tidy/", self.admin_site.admin_view(self.tidy_view), name="articles_tag_tidy"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("Articles"), ordering="article_total")
    def article_count(self, obj: Tag) -> int:
        return obj.article_total

    @admin.display(
        description=pgettext_lazy("number of articles", "Published"), ordering="published_total"
    )
    def published_count(self, obj: Tag) -> int:
        return obj.published_total

    # Deleting: a tag in use is an Editor's decision, and its articles keep a revision.

    def has_delete_permission(self, request: HttpRequest, obj: Tag | None = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or is_editor(request.user) or not _in_use([obj])

    def get_deleted_objects(self, objs, request: HttpRequest):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not is_editor(request.user):
            in_use = _in_use(objs)
            if in_use:
                perms_needed = set(perms_needed) | {
                    _("tag “%(tag)s” (used by articles: only editors may delete it)") % {"tag": tag}
                    for tag in in_use
                }
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: Tag) -> None:
        self.delete_queryset(request, Tag.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Tag]) -> None:
        tags.delete_tags(queryset, user=request.user)

    # Renaming: the slug follows the name unless an editor chose it, and the old address
    # redirects (summit/redirects.py).

    def save_model(self, request: HttpRequest, obj: Tag, form, change: bool) -> None:
        if change and "name" in form.changed_data:
            obj.slug = tags.renamed_slug(obj, form.initial["name"], form.initial["slug"])
        super().save_model(request, obj, form, change)

    # Merging.

    def has_merge_permission(self, request: HttpRequest) -> bool:
        return self.has_change_permission(request) and super().has_delete_permission(request)

    @admin.action(description=gettext_lazy("Merge selected tags into one…"), permissions=["merge"])
    def merge_selected_tags(
        self, request: HttpRequest, queryset: QuerySet[Tag]
    ) -> HttpResponse | None:
        chosen = Tag.objects.filter(pk__in=queryset.values("pk")).order_by("name")
        if chosen.count() < 2:
            self.message_user(request, _("Select at least two tags to merge."), messages.WARNING)
            return None
        form = MergeTagsForm(request.POST if "target" in request.POST else None, tags=chosen)
        if form.is_valid():
            target = form.cleaned_data["target"]
            others = [tag for tag in chosen if tag.pk != target.pk]
            moved = tags.merge_tags(target, others, user=request.user)
            names = ", ".join(f"“{tag.name}”" for tag in others)
            updated = ngettext(
                "%(n)d article now carries it", "%(n)d articles now carry it", len(moved)
            ) % {"n": len(moved)}
            merged = ngettext(
                "Merged %(names)s into “%(target)s”: %(updated)s, and the old tag page "
                "redirects to it.",
                "Merged %(names)s into “%(target)s”: %(updated)s, and the old tag pages "
                "redirect to it.",
                len(others),
            ) % {"names": names, "target": target.name, "updated": updated}
            self.message_user(request, merged, messages.SUCCESS)
            return None
        counts = dict(
            TaggedArticle.objects.filter(tag__in=chosen)
            .values_list("tag")
            .annotate(n=Count("pk"))
            .values_list("tag", "n")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge tags"),
            "opts": self.model._meta,
            "form": form,
            "tags": [(tag, counts.get(tag.pk, 0)) for tag in chosen],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action_name": "merge_selected_tags",
        }
        return TemplateResponse(request, "admin/articles/tag/merge.html", context)

    # Helpers for the article form and the tidy-up page.

    def autocomplete_view(self, request: HttpRequest) -> JsonResponse:
        """Existing tags matching what the editor typed, most used first."""
        if not (self.has_view_permission(request) or request.user.has_perm("articles.add_article")):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()[:100]
        matches = (
            Tag.objects.filter(name__icontains=term)
            .annotate(uses=Count("tagged_articles"))
            .order_by("-uses", "name")[:20]
        )
        return JsonResponse({"results": [{"id": tag.name, "text": tag.name} for tag in matches]})

    def tidy_view(self, request: HttpRequest) -> TemplateResponse:
        """Likely duplicates and unused tags, each with the action that tidies them."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Tidy tags"),
            "opts": self.model._meta,
            "groups": tags.likely_duplicates(),
            "unused": list(tags.unused_tags()),
            "can_merge": self.has_merge_permission(request),
            "can_delete": self.has_delete_permission(request),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": reverse("admin:articles_tag_changelist"),
        }
        return TemplateResponse(request, "admin/articles/tag/tidy.html", context)


def _state_sentence(article: Article) -> str:
    """The publication state as the sentence shown after a save."""
    # Translators: a full stop after the publication state, e.g. "Draft — not on the site".
    return _("%(state)s.") % {"state": publication_state(article)}


def _title_list(titles: list[str], shown: int = 5) -> str:
    """“A”, “B” and 3 more: enough to find them in the list, short enough to read."""
    quoted = ", ".join(f"“{title}”" for title in titles[:shown])
    rest = len(titles) - shown
    if rest <= 0:
        return quoted
    return _("%(titles)s and %(count)d more") % {"titles": quoted, "count": rest}


def _in_use(tags_to_check) -> list[Tag]:
    ids = [tag.pk for tag in tags_to_check]
    used = set(TaggedArticle.objects.filter(tag__in=ids).values_list("tag", flat=True).distinct())
    return [tag for tag in tags_to_check if tag.pk in used]


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    """Every author edits their own profile; the model permissions allow editing anyone's."""

    list_display = ("name", "user", "display_name")
    list_select_related = ("user",)
    search_fields = ("display_name", "user__username", "user__first_name", "user__last_name")
    fields = ("user", "display_name", "bio")

    def _manages_all(self, request: HttpRequest, action: str) -> bool:
        return request.user.has_perm(f"articles.{action}_authorprofile")

    def _is_own(self, request: HttpRequest, obj: AuthorProfile | None) -> bool:
        return obj is None or obj.user_id == request.user.pk

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return (
            self._manages_all(request, "view")
            or self._manages_all(request, "change")
            or self._is_own(request, obj)
        )

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._manages_all(request, "change") or self._is_own(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        if self._manages_all(request, "add"):
            return True
        return not AuthorProfile.objects.filter(user=request.user).exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._manages_all(request, "delete")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuthorProfile]:
        profiles = super().get_queryset(request)
        if self._manages_all(request, "view") or self._manages_all(request, "change"):
            return profiles
        return profiles.filter(user=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return () if self._manages_all(request, "change") else ("user",)

    def save_model(self, request: HttpRequest, obj: AuthorProfile, form, change: bool) -> None:
        if not self._manages_all(request, "change"):
            obj.user = request.user
        super().save_model(request, obj, form, change)
