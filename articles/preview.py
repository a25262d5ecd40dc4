"""Previews of articles that are not public yet, for staff and for reviewers with a link.

Both render the public article template itself (`articles/article_detail.html`, through
`article_preview.html`, which only adds a banner), so a preview looks exactly like the page
readers will get. A share link carries the article's id signed with Django's signing framework
and a timestamp: no table to keep, and it stops working on its own when it expires. It also
carries the article's `share_link_generation`, which an editor raises to revoke every link
made so far (`Article.revoke_share_links`); a link for an older generation is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic.detail import SingleObjectMixin

from articles.models import Article, ArticleQuerySet
from articles.views import ArticleDetailView, with_page_facts

SHARE_SALT = "articles.preview.share"
# How far ahead of this server's clock a link may be dated: another server's clock may run a
# little fast. A link dated later was not made by Summit, and would outlive its max age.
CLOCK_SKEW = timedelta(seconds=60)


@dataclass(frozen=True)
class SharedLink:
    article_id: int
    generation: int
    issued: datetime


def share_token(article: Article) -> str:
    """The signed part of a share link, valid until it expires or the links are revoked."""
    generation = article.share_link_generation
    # Generation 0 keeps the first form, the bare id, so links shared before revocation
    # existed go on working until they expire.
    payload = [article.pk, generation] if generation else article.pk
    return signing.dumps(payload, salt=SHARE_SALT)


def share_url(request: HttpRequest, article: Article) -> str:
    """An absolute link a reviewer without an account can open until it expires."""
    path = reverse("articles:shared_preview", kwargs={"token": share_token(article)})
    return request.build_absolute_uri(path)


def share_expires(issued: datetime | None = None) -> datetime:
    return (issued or timezone.now()) + settings.PREVIEW_LINK_MAX_AGE


def read_token(token: str) -> SharedLink:
    """What a share token was made for and when; 404 if tampered with, expired or future."""
    try:
        payload = signing.loads(token, salt=SHARE_SALT, max_age=settings.PREVIEW_LINK_MAX_AGE)
    except signing.BadSignature:
        # SignatureExpired is a BadSignature too: both look like "no such page".
        raise Http404("This preview link is not valid or has expired.") from None
    if type(payload) is int:
        article_id, generation = payload, 0
    elif (
        type(payload) is list
        and len(payload) == 2
        and all(type(number) is int for number in payload)
        and payload[1] > 0
    ):
        article_id, generation = payload
    else:
        raise Http404("This preview link is not valid.")
    # A signed value reads "payload:timestamp:signature"; the signature covers the timestamp.
    timestamp = token.rsplit(signing.Signer().sep, 2)[1]
    issued = datetime.fromtimestamp(signing.b62_decode(timestamp), tz=UTC)
    if issued > timezone.now() + CLOCK_SKEW:
        raise Http404("This preview link is not valid.")
    return SharedLink(article_id, generation, issued)


class ArticlePreviewView(ArticleDetailView):
    """The public article page for any article, with a "not published" banner."""

    template_name = "articles/article_preview.html"
    shared = False

    def get_queryset(self) -> ArticleQuerySet:
        return with_page_facts(Article.objects.all())

    def get_object(self, queryset: ArticleQuerySet | None = None) -> Article:
        # Any article, found the way a DetailView finds it; not the public page's statement.
        return SingleObjectMixin.get_object(self, queryset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["preview"] = {
            "shared": self.shared,
            "status": _status_label(self.object),
            "expires": getattr(self, "expires", None),
        }
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        # A preview must never be indexed, cached by a proxy, or leak its link as a referrer.
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        add_never_cache_headers(response)
        return response


@method_decorator(staff_member_required, name="dispatch")
class StaffPreviewView(ArticlePreviewView):
    """Reached from the admin change page; staff who may see the article in the admin."""

    pk_url_kwarg = "pk"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm("articles.view_article"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["preview"]["share_url"] = share_url(self.request, self.object)
        context["preview"]["share_expires"] = share_expires()
        context["preview"]["change_url"] = reverse(
            "admin:articles_article_change", args=[self.object.pk]
        )
        return context


class SharedPreviewView(ArticlePreviewView):
    """Reached with a signed link by anyone holding it, signed in or not."""

    shared = True

    def get_object(self, queryset=None) -> Article:
        link = read_token(self.kwargs["token"])
        self.expires = share_expires(link.issued)
        queryset = queryset if queryset is not None else self.get_queryset()
        try:
            return queryset.get(pk=link.article_id, share_link_generation=link.generation)
        except Article.DoesNotExist:
            raise Http404(
                "The article of this preview link no longer exists, or its links were revoked."
            ) from None


def _status_label(article: Article) -> str:
    if article.is_public:
        return str(Article.Status.PUBLISHED.label)
    if article.is_scheduled:
        local = timezone.localtime(article.publish_at)
        # Translators: letters of Django's `date` filter for the day in the preview's
        # "Scheduled for … at …", which English shows as "02 December 2026".
        day_format = pgettext("date format", "d F Y")
        return _("Scheduled for %(date)s at %(time)s") % {
            "date": date_format(local, day_format),
            "time": date_format(local, "H:i"),
        }
    return str(Article.Status.DRAFT.label)
