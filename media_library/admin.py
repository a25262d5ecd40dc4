"""The media library in the admin: upload, describe, find and pick images; delete unused ones.

Contributors upload and describe images, Editors may also delete them (summit/roles.py). An
image that something uses cannot be deleted: the rows that use it point to it with
`on_delete=PROTECT` (the articles app's `ArticleImage`), and the delete pages name what uses
it. This app knows nothing of articles: it reads those relations from the model's meta.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib import admin, messages
from django.contrib.admin.utils import model_ngettext, quote
from django.db import models
from django.db.models import Count, ForeignObjectRel, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from media_library.forms import ImageForm
from media_library.models import Image

# The picker shows this many images a page, newest first.
PICKER_PAGE_SIZE = 24
# Beyond this a page number is nonsense (and its offset could overflow the database's).
PICKER_MAX_PAGE = 100_000
# The list's thumbnails fit in a square this many CSS pixels wide.
THUMBNAIL_BOX = 96


def protecting_relations() -> list[ForeignObjectRel]:
    """The relations whose rows keep an image from being deleted (`on_delete=PROTECT`)."""
    return [rel for rel in Image._meta.related_objects if rel.on_delete is models.PROTECT]


def _user_field(rel: ForeignObjectRel) -> models.ForeignKey | None:
    """On a linking model, the foreign key to what uses the image (an article, say)."""
    for field in rel.related_model._meta.concrete_fields:
        if field.many_to_one and field is not rel.field:
            return field
    return None


def users_of(image_ids: Iterable[int]) -> dict[int, list[models.Model]]:
    """What uses each of these images, by image id: one query per protecting relation."""
    ids = list(image_ids)
    users: defaultdict[int, list[models.Model]] = defaultdict(list)
    for rel in protecting_relations():
        field = _user_field(rel)
        links = rel.related_model._default_manager.filter(**{f"{rel.field.name}__in": ids})
        if field is None:
            for link in links:
                users[getattr(link, rel.field.attname)].append(link)
            continue
        for link in links.select_related(field.name).order_by(rel.field.attname, field.attname):
            users[getattr(link, rel.field.attname)].append(getattr(link, field.name))
    return users


class UseFilter(admin.SimpleListFilter):
    """Used or not: the unused ones are those an editor may delete."""

    title = _("use")
    parameter_name = "used"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("yes", _("Used")), ("no", _("Not used"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Image]) -> QuerySet[Image]:
        if self.value() not in {"yes", "no"}:
            return queryset
        used = models.Q()
        for rel in protecting_relations():
            used |= models.Q(pk__in=rel.related_model._default_manager.values(rel.field.attname))
        return queryset.filter(used) if self.value() == "yes" else queryset.exclude(used)


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = (
        "thumbnail",
        "alt_text",
        "caption",
        "credit",
        "uploaded_by",
        "uploaded_at",
        "usage",
    )
    list_display_links = ("thumbnail", "alt_text")
    list_select_related = ("uploaded_by",)
    list_filter = (UseFilter,)
    search_fields = ("alt_text", "caption", "credit")
    date_hierarchy = "uploaded_at"
    list_per_page = 50
    readonly_fields = ("preview", "dimensions", "uploaded_by", "uploaded_at", "used_in")

    class Media:
        css = {"all": ("media_library/css/admin.css",)}

    def get_fieldsets(self, request: HttpRequest, obj: Image | None = None):
        described = (None, {"fields": ("file", "alt_text", "caption", "credit")})
        focal = (
            _("Focal point"),
            {
                "fields": ("focal_x", "focal_y"),
                "description": _(
                    "The part of the picture that crops must keep, in percent from the "
                    "top-left corner; 50 and 50 is the middle."
                ),
            },
        )
        if obj is None:
            return (described, focal)
        about = (
            _("About this image"),
            {"fields": ("preview", "dimensions", "uploaded_by", "uploaded_at", "used_in")},
        )
        return (described, focal, about)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Image]:
        counts = {
            f"uses_{index}": Count(rel.name, distinct=True)
            for index, rel in enumerate(protecting_relations())
        }
        return super().get_queryset(request).annotate(**counts)

    def save_model(self, request: HttpRequest, obj: Image, form, change: bool) -> None:
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        # A replaced file's old renditions go after the commit (media_library.signals).
        if "file" in form.changed_data:
            obj.make_renditions()
        if {"file", "focal_x", "focal_y"} & set(form.changed_data):
            obj.make_focal_crops()

    # The list and the change page.

    @admin.display(description=_("Image"))
    def thumbnail(self, obj: Image) -> SafeString | str:
        if not obj.file:
            return ""
        width, height = _fit(obj.width, obj.height, THUMBNAIL_BOX)
        return format_html(
            '<img class="library-thumbnail" src="{}" width="{}" height="{}" alt="{}" '
            'loading="lazy" decoding="async">',
            obj.thumbnail_url,
            width,
            height,
            obj.alt_text,
        )

    @admin.display(description=_("Used in"))
    def usage(self, obj: Image) -> str:
        count = sum(
            getattr(obj, f"uses_{index}", 0) for index in range(len(protecting_relations()))
        )
        if not count:
            return gettext("not used")
        users = [
            field.related_model for rel in protecting_relations() if (field := _user_field(rel))
        ]
        # "3 articles": named after what uses images, when only one kind of thing does.
        noun = model_ngettext((users[0] if len(users) == 1 else Image)._meta, count)
        return gettext("%(count)d %(items)s") % {"count": count, "items": noun}

    @admin.display(description=_("Preview"))
    def preview(self, obj: Image) -> SafeString | str:
        if not obj.file:
            return ""
        return format_html(
            '<img class="library-preview" src="{}"{} width="{}" height="{}" alt="{}">',
            obj.file.url,
            format_html(' srcset="{}" sizes="40rem"', obj.srcset) if obj.srcset else "",
            obj.width or "",
            obj.height or "",
            obj.alt_text,
        )

    @admin.display(description=_("Size"))
    def dimensions(self, obj: Image) -> str:
        if not obj.width or not obj.height:
            return ""
        return gettext("%(width)d by %(height)d pixels") % {
            "width": obj.width,
            "height": obj.height,
        }

    @admin.display(description=_("Used in"))
    def used_in(self, obj: Image) -> SafeString | str:
        if obj.pk is None:
            return ""
        users = users_of([obj.pk]).get(obj.pk, [])
        if not users:
            return gettext("Nothing uses this image yet.")
        return format_html(
            '<ul class="library-users">{}</ul>',
            format_html_join("", "<li>{}</li>", ((self.describe(None, user),) for user in users)),
        )

    # Deleting: refused while anything uses the image, naming what does.

    def describe(self, request: HttpRequest | None, user: models.Model) -> SafeString:
        """“Article: <a>Title</a>”, linked to its admin page when this person may open it."""
        opts = user._meta
        label = format_html("{}: ", capfirst(opts.verbose_name))
        url = self._change_url(request, user)
        if url:
            return format_html('{}<a href="{}">{}</a>', label, url, user)
        return format_html("{}{}", label, user)

    def _change_url(self, request: HttpRequest | None, user: models.Model) -> str:
        model = type(user)
        if not self.admin_site.is_registered(model):
            return ""
        if request is not None:
            model_admin = self.admin_site.get_model_admin(model)
            if not model_admin.has_view_or_change_permission(request, user):
                return ""
        try:
            return reverse(
                f"admin:{user._meta.app_label}_{user._meta.model_name}_change",
                args=[quote(user.pk)],
                current_app=self.admin_site.name,
            )
        except NoReverseMatch:
            return ""

    def get_deleted_objects(self, objs, request: HttpRequest):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # Django lists the linking rows ("Article image: …"); say what uses which image.
            images = list(objs)
            users = users_of(image.pk for image in images)
            protected = [
                self.describe(request, user)
                if len(images) == 1
                else format_html("{} — “{}”", self.describe(request, user), image)
                for image in images
                for user in users.get(image.pk, [])
            ]
        return deleted, model_count, perms_needed, protected

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except models.ProtectedError:
            # Put in use between the confirmation page and the deletion: nothing was deleted.
            self.message_user(
                request,
                gettext("This image was just put into use, so it was not deleted."),
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    # The picker: the editor's image button asks this for images to insert.

    def get_urls(self):
        return [
            path(
                "picker/",
                self.admin_site.admin_view(self.picker_view),
                name="media_library_image_picker",
            ),
            *super().get_urls(),
        ]

    def picker_view(self, request: HttpRequest) -> HttpResponse:
        """Images matching `q`, newest first, `PICKER_PAGE_SIZE` a page, as JSON.

        `{"results": [{"id", "thumbnail", "alt", "caption", "credit", "width", "height",
        "markdown"}], "page", "has_next", "add_url"}`; `add_url` is null for those who may
        not upload. A page that is not a whole number from 1 answers 400 with `{"error"}`.
        """
        if not self.has_view_permission(request):
            return JsonResponse(
                {"error": gettext("You may not browse the media library.")}, status=403
            )
        raw_page = request.GET.get("page", "").strip() or "1"
        if not (raw_page.isascii() and raw_page.isdigit()) or not (
            1 <= int(raw_page) <= PICKER_MAX_PAGE
        ):
            return JsonResponse(
                {"error": gettext("The page must be a whole number from 1.")}, status=400
            )
        page = int(raw_page)
        images = Image.objects.order_by("-uploaded_at", "-pk")
        query = request.GET.get("q", "").strip()[:200]
        if query:
            images, _duplicates = self.get_search_results(request, images, query)
        offset = (page - 1) * PICKER_PAGE_SIZE
        # One more than a page: whether there is a next page, without counting them all.
        found = list(images[offset : offset + PICKER_PAGE_SIZE + 1])
        return JsonResponse(
            {
                "results": [_picker_entry(image) for image in found[:PICKER_PAGE_SIZE]],
                "page": page,
                "has_next": len(found) > PICKER_PAGE_SIZE,
                "add_url": (
                    reverse("admin:media_library_image_add", current_app=self.admin_site.name)
                    if self.has_add_permission(request)
                    else None
                ),
            }
        )


def _picker_entry(image: Image) -> dict:
    return {
        "id": image.pk,
        "thumbnail": image.thumbnail_url,
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "markdown": image.markdown(),
    }


def _fit(width: int | None, height: int | None, box: int) -> tuple[int, int]:
    """Dimensions that fit `box` by `box` with the image's proportions."""
    if not width or not height:
        return box, box
    scale = min(1, box / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))
