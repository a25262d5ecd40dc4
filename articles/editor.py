"""The writing surface of the article admin: toolbar, live preview, word count, image picker."""

from __future__ import annotations


class EditorAdminMixin:
    pass
