"""French error pages under the run command too.

With DEBUG on (config/settings/dev.py, the run command), Django answers a 404, a 400 or a 500
with its English debug pages (the 404 lists every URL pattern). This middleware, first in the dev
settings, puts the product's French DSFR pages (templates/400.html, 404.html, 500.html) in
their place; the traceback is still written to the console by Django's ``django.request`` logger.
``DJANGO_DEBUG_PAGES=true`` gives the debug pages back to a developer who wants them. With DEBUG
off (production, tests) Django's handlers render the French pages already: this does nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults

from config.middleware import bad_request

# Django's debug pages (django/views/templates/technical_404.html, technical_500.html) all carry
# this line; the product's pages never do.
DEBUG_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'


class FrenchErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not settings.DEBUG or getattr(settings, "DEBUG_ERROR_PAGES", False):
            return response
        if response.status_code not in (400, 404, 500) or response.streaming:
            return response
        if DEBUG_PAGE_MARK not in response.content[:4096]:
            return response
        if response.status_code == 404:
            return defaults.page_not_found(request, Http404())
        if response.status_code == 400:
            return bad_request(request, Exception())
        return defaults.server_error(request)
