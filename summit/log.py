"""One log line for each refused request; full tracebacks only for real server errors.

Django logs a request it refuses (a bad Host, an over-long search query, a forbidden admin
action) with the exception's whole traceback: at ERROR on `django.security.<Exception>` for a
`SuspiciousOperation`, at WARNING on `django.request` for `BadRequest` and `PermissionDenied`.
Those are the sender's mistakes, not ours, and a scan of hostile requests buried the real
errors under them. `RefusedRequestHandler` turns each into one WARNING line (method, path,
status, reason); 5xx records keep their traceback. `settings.LOGGING` sets it up.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

# A hostile request can send a path, query string or Host of any length.
PATH_LIMIT = 200
REASON_LIMIT = 300
METHOD_LIMIT = 16


def _clean(text: str, limit: int) -> str:
    """One line, whatever the sender put in it: control characters escaped, then shortened."""
    text = text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _reason(exception: BaseException) -> str:
    name = type(exception).__name__
    message = str(exception)
    return f"{name}: {message}" if message else name


def is_refused_request(record: logging.LogRecord) -> bool:
    """A client error (4xx) logged with the exception that caused it."""
    status = getattr(record, "status_code", None)
    return isinstance(status, int) and 400 <= status < 500 and bool(record.exc_info)


def rewrite_refused_request(record: logging.LogRecord) -> None:
    """Make a refused request's record one WARNING line: method, path, status and reason."""
    exception = record.exc_info[1] if record.exc_info else None
    reason = _reason(exception) if exception else record.getMessage()
    request = getattr(record, "request", None)
    method = getattr(request, "method", None) or "-"
    path = request.get_full_path() if request is not None else "-"
    status = record.status_code
    record.msg = "Refused %s %s: %d %s (%s)"
    record.args = (
        _clean(method, METHOD_LIMIT),
        _clean(path, PATH_LIMIT),
        status,
        _status_phrase(status),
        _clean(reason, REASON_LIMIT),
    )
    record.levelno = logging.WARNING
    record.levelname = logging.getLevelName(logging.WARNING)
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None


class RefusedRequestHandler(logging.Handler):
    """Rewrites refused requests' records in place; writes nothing itself.

    Set on `django.request` and `django.security`. A record meets the handlers of the logger it
    was logged on first, then those of each parent, so these run before the console's (on the
    root logger) and the mail handler's (on `django`, ERROR and above), which then get the one
    WARNING line. A logger filter would not reach them all: Django logs each
    `SuspiciousOperation` on a child logger named after it (`django.security.DisallowedHost`,
    `…RequestDataTooBig`), and a logger's filters never see its children's records.
    """

    def emit(self, record: logging.LogRecord) -> None:
        if is_refused_request(record):
            rewrite_refused_request(record)
