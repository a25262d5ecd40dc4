"""Signals the editorial write path sends; what listens to them lives with the listener.

A module of its own, importing nothing from the app, so `articles.models` can send them and
any app can connect to them without an import cycle.
"""

from __future__ import annotations

from django.dispatch import Signal

articles_changed = Signal()
"""Sent once per editorial write, after its transaction commits, never for a rolled-back one.

`sender` is `Article`; `article_ids` is a frozenset of the ids of every article the write
created, changed (content, status, tags, countries or areas) or deleted. Sent by
`Article.save_revision()` (and so `publish()`/`unpublish()`), `ArticleQuerySet.revise()` and
`ArticleQuerySet.delete_with_history()`, which every writer goes through: the admin, list
actions, restores, tag merges and deletes, imports and the demo commands. The place to hook
cache invalidation and translation queues.
"""

review_step = Signal()
"""Sent when an article takes a step of the review workflow, after its transaction commits.

`sender` is `Article`; `article_id` the article's id; `kind` a `ReviewNote.Kind` value
("submitted", "returned", "published", "scheduled", "overridden"); `note` what the person
taking the step wrote (may be empty); `user` who took it (None for a script). Sent by
`Article.submit_for_review()`, `return_to_draft()` and `publish()`; the notifications
(articles/notifications.py) listen to it.
"""
