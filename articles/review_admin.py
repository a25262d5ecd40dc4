"""The review workflow in the article admin: submit, return and approve, with the checklist."""

from __future__ import annotations


class ReviewAdminMixin:
    pass
