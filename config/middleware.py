"""Session and response rules Django and django-csp do not apply themselves, and the
refusal of input PostgreSQL cannot store."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views import defaults

LAST_SEEN_KEY = "quartiers_last_seen"

logger = logging.getLogger(__name__)


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


# --- Input that cannot be stored -------------------------------------------

NUL = "\x00"
API_PREFIX = "/api/"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The API's answer to a 400, in its ``{code, detail}`` format (api/exceptions.py); codes are stable.
NUL_ERROR = ("caractere_nul", "La requête contient un caractère nul (%00), qui n'est pas accepté : rien n'a été fait.")
BAD_REQUEST_ERROR = ("requete_invalide", "La requête est mal formée ou trop volumineuse : rien n'a été fait.")


class NulCharacterError(BadRequest):
    """A NUL byte in the path, the query, a form field, a header or a cookie."""

    api_error = NUL_ERROR


def _nul_in(pairs: Iterable[tuple[str, str | list[str]]]) -> str | None:
    """The first key whose name or one of whose values holds a NUL byte."""
    for key, values in pairs:
        if NUL in key or any(NUL in value for value in ([values] if isinstance(values, str) else values)):
            return key
    return None


class RejectNulMiddleware:
    """Answers 400 (the French page, or the API's ``{code, detail}``) to a request carrying a NUL
    byte in its path, query string, form fields (urlencoded or multipart text fields; uploaded
    files are never read), ``HTTP_*`` headers or cookies. PostgreSQL cannot store or even compare
    a text holding NUL (``DataError``, a 500): a browser never sends one, so refusing the request
    before any view replaces a check in each view, filter and selector.

    The refusal happens in ``process_view``, after the session, the user and the CSP nonce are
    set, so the 400 page shows the signed-in header and gets every response header of the
    middlewares below; placed first after ``SecurityMiddleware``, it runs before any other
    ``process_view`` (CSRF included). A path that matches no pattern is a 404 before that, which
    is just as harmless. Cookies are read before any view (the session is loaded by the
    middlewares below): a request whose cookies hold NUL (``"\\000"`` in a quoted value decodes to
    it) goes on without cookies, then gets its 400.

    Undecodable bytes need nothing here: Django re-percent-encodes invalid UTF-8 in the path
    (``/departements/%FF/`` looks up the code ``%FF``, a 404) and replaces it in the query and
    form values (U+FFFD), which PostgreSQL stores; values longer than a column compare to
    nothing on PostgreSQL (404), and Django 5 matches nothing for out-of-range integers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie = _nul_in(request.COOKIES.items())
        if cookie is not None:
            request.COOKIES = {}
            request._nul_cookie = cookie  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        where = self.nul_location(request)
        if where is not None:
            logger.info("request_nul_refused", extra={"where": where})
            raise NulCharacterError(f"NUL byte in {where}")
        return None

    @staticmethod
    def nul_location(request: HttpRequest) -> str | None:
        """Where the request carries a NUL byte (``path``, ``query:<key>``, …), or None."""
        if NUL in request.path_info:
            return "path"
        if getattr(request, "_nul_cookie", None) is not None:
            return "cookie"
        header = _nul_in((name, value) for name, value in request.META.items() if name.startswith("HTTP_"))
        if header is not None:
            return f"header:{header}"
        key = _nul_in(request.GET.lists())
        if key is not None:
            return f"query:{key!r}"
        # request.POST is empty for other content types (JSON goes through DRF's serializers,
        # whose CharField refuses NUL); its text fields only, request.FILES is not looked at.
        if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            key = _nul_in(request.POST.lists())
            if key is not None:
                return f"form:{key!r}"
        return None


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``: the API's ``{code, detail}`` under /api/, else Django's view with our
    French page (templates/400.html). Also answers Django's own 400s (a form body too large,
    too many fields, a malformed multipart body, an unknown host)."""
    if request.path.startswith(API_PREFIX):
        code, detail = getattr(exception, "api_error", BAD_REQUEST_ERROR)
        return JsonResponse(
            {"code": code, "detail": detail},
            status=400,
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )
    return defaults.bad_request(request, exception)
