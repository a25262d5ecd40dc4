"""Requests no page of ours can answer, refused before any of them is looked up.

A NUL character cannot be stored or compared in a PostgreSQL text value: a lookup that carries
one (an admin autocomplete term, an object id in a history address) fails inside the database
with a 500, while SQLite happens to accept it. No address or parameter of ours ever contains
one, so it is refused at the door for every view, ours and the admin's alike.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


def has_null_character(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    query = request.META.get("QUERY_STRING", "")
    return "\x00" in query or b"\x00" in unquote_to_bytes(query.replace("+", " "))


class RejectNullCharacterMiddleware:
    """Answer 400 (the site's page, one log line) to a path or query holding a NUL."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_null_character(request):
            raise BadRequest("The address contains a NUL character.")
        return self.get_response(request)
