"""Author pages: an author's published articles under the name and bio they chose.

The heading names the account (`AuthorProfile.name_of`: profile name, full name or username),
never an article's byline: a byline credits one article, the page is about the person. The
cards below still show each article's own credit (`Article.author_name`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article, ArticleQuerySet, AuthorProfile, cards
from articles.pagination import DepthLimitedMixin


class AuthorDetailView(DepthLimitedMixin, ListView):
    template_name = "articles/author_detail.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset) -> int:
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self) -> ArticleQuerySet:
        user_model = get_user_model()
        self.author = get_object_or_404(
            user_model.objects.select_related("author_profile"),
            **{user_model.USERNAME_FIELD: self.kwargs["username"]},
        )
        return Article.objects.published().in_language().filter(author=self.author)

    def count_key(self) -> str:
        return f"author:{self.author.pk}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Accounts with nothing published (editors, authors of drafts) have no public page.
        if context["paginator"].count == 0:
            raise Http404("No published articles by this author.")
        profile = getattr(self.author, "author_profile", None)
        context["articles"] = context["object_list"] = cards(context["object_list"])
        context["author"] = self.author
        context["author_name"] = AuthorProfile.name_of(self.author)
        context["author_bio"] = profile.bio if profile else ""
        context["author_description"] = (
            context["author_bio"]
            or f"Articles by {context['author_name']} on {settings.SITE_NAME}."
        )
        return context
