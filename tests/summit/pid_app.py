"""A WSGI application for the worker tests: it answers with the process id of the worker that
served the request, after sleeping `?ms=` milliseconds (a request that keeps a thread busy)."""

from __future__ import annotations

import os
import time
from urllib.parse import parse_qs


def app(environ, start_response):
    milliseconds = int(parse_qs(environ.get("QUERY_STRING", "")).get("ms", ["0"])[0])
    time.sleep(milliseconds / 1000)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
