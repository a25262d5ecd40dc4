"""Author pages: an author's published articles under the name and bio they chose."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from articles.models import Article, ArticleQuerySet


def author_name(user) -> str:
    """The name readers know an author by: profile name, full name or username."""
    profile = getattr(user, "author_profile", None)
    if profile is not None:
        return profile.name
    return user.get_full_name() or user.get_username()


class AuthorDetailView(ListView):
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
        return Article.objects.published().filter(author=self.author).for_cards()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Accounts with nothing published (editors, authors of drafts) have no public page.
        if context["paginator"].count == 0:
            raise Http404("No published articles by this author.")
        profile = getattr(self.author, "author_profile", None)
        context["author"] = self.author
        context["author_name"] = author_name(self.author)
        context["author_bio"] = profile.bio if profile else ""
        context["author_description"] = (
            context["author_bio"]
            or f"Articles by {context['author_name']} on {settings.SITE_NAME}."
        )
        return context
