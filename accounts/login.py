"""What django-axes counts a login failure against (``AXES_USERNAME_CALLABLE``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.models import email_normalise


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The normalised address, so that every spelling that logs in as one account shares one
    failure count (django-axes docs, configuration, ``AXES_USERNAME_CALLABLE``).

    The credentials passed to ``authenticate`` come first, as in ``axes.helpers.get_client_username``;
    the posted form is the fallback, for the checks axes makes from the request alone.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None:
        data = getattr(request, "data", None) or getattr(request, "POST", None) or {}
        value = data.get(field)
    return email_normalise(value if isinstance(value, str) else None)
