"""Security headers the rest of the stack does not set, on every response.

- `ContentSecurityPolicyMiddleware` is django-csp's middleware with one addition: paths under
  the admin get the admin's own policy (`ADMIN_CONTENT_SECURITY_POLICY`) instead of the
  public one (`CONTENT_SECURITY_POLICY`). The admin cannot live under the public policy (its
  widgets write `style` attributes) and must not be left without one; choosing by path also
  covers the admin's error pages, redirects and the sign-in lockout page, which no view
  decorator would reach. A view's own `@csp_override`/`@csp_replace` still wins.
- `CrossOriginResourcePolicyMiddleware` sends `Cross-Origin-Resource-Policy`, which Django
  has no setting for.

`Permissions-Policy` comes from django-permissions-policy (`PERMISSIONS_POLICY` in
settings), and `Cross-Origin-Opener-Policy` from Django's `SecurityMiddleware`.
The two header middlewares sit before WhiteNoise and the page cache in `MIDDLEWARE`: both
answer without calling the middleware after them, so only what wraps them reaches static
files and stored pages.
"""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# Where `summit/urls.py` mounts the admin site.
ADMIN_PATH_PREFIX = "/admin/"


def is_admin_path(path: str) -> bool:
    return path.startswith(ADMIN_PATH_PREFIX)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy on the admin's paths."""

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        # `config` is only set when a view replaced the whole policy with `@csp_override`.
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


class CrossOriginResourcePolicyMiddleware:
    """`Cross-Origin-Resource-Policy` on every response, unless a view chose its own.

    Other sites' pages cannot load our pages, images or scripts as subresources (no
    hot-linking, nothing for a Spectre-style read to pull into another origin's process).
    Feed readers, search engines and link previews fetch from their servers, which the
    header does not affect.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response
