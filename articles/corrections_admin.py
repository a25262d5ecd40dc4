"""Corrections and update notes appended to published articles, from the article admin."""

from __future__ import annotations


class CorrectionsAdminMixin:
    pass
