"""Response headers Django and django-csp do not set themselves (issue #7)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and the one CSP exception of Django's admin.

    Placed after django-csp's middleware, so that django-csp reads ``_csp_update`` when it
    writes the header. Django's admin (change list, user form with its selector widgets) applies
    inline styles it does not nonce: only there, styles may be inline. Scripts stay nonce-only
    everywhere, and the admin is for the national administrator alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith("/admin/"):
            response._csp_replace = {"style-src": ["'self'", "'unsafe-inline'"]}  # type: ignore[attr-defined]
        return response
