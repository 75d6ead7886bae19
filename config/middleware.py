"""Session and response rules Django and django-csp do not apply themselves (issue #7)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

LAST_SEEN_KEY = "quartiers_last_seen"


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, ``Cache-Control: private, no-store`` on every
    response that does not set its own caching (the pages show case data of a département:
    no shared or disk cache keeps them, ASVS 14.3.2; static files are served with their own
    headers), and the one CSP exception of Django's admin.

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
        if "Cache-Control" not in response.headers:
            patch_cache_control(response, private=True, no_store=True)
        if request.path.startswith("/admin/"):
            response._csp_replace = {"style-src": ["'self'", "'unsafe-inline'"]}  # type: ignore[attr-defined]
        return response


class IdleSessionMiddleware:
    """Signs out a session left idle for ``SESSION_IDLE_TIMEOUT`` seconds (ASVS 5.0 7.3.1);
    ``SESSION_COOKIE_AGE`` stays the absolute maximum (7.3.2). The last activity is written at
    most once a minute, so a page view does not cost a session write each time."""

    WRITE_EVERY = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, "Votre session a été fermée après une période d'inactivité. Reconnectez-vous.")
            elif not isinstance(last_seen, int) or now - last_seen >= self.WRITE_EVERY:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)
