"""Every API error as ``{"code": "<stable machine-readable code>", "detail": "<French sentence>"}``.

Validation errors also carry the per-field messages under ``errors`` and their codes under
``error_codes`` (DRF's, e.g. ``required``, or ours, e.g. ``entier_attendu``). A throttled
request carries ``retry_after`` (seconds). An unexpected error is logged and answered
``{"code": "erreur_interne", …}`` with status 500, so a client never parses an HTML page;
unknown addresses under ``/api/`` answer ``introuvable`` (``api.views.not_found``)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

# DRF exception class → (stable code, French detail). Codes never change once published.
MESSAGES: dict[type[exceptions.APIException], tuple[str, str]] = {
    exceptions.NotAuthenticated: (
        "non_authentifie",
        "Authentification requise : transmettez votre jeton dans l'en-tête « Authorization: Token <jeton> ».",
    ),
    exceptions.AuthenticationFailed: ("authentification_refusee", "Jeton invalide ou compte désactivé."),
    exceptions.PermissionDenied: ("acces_refuse", "Votre rôle ne vous permet pas cette action."),
    exceptions.NotFound: ("introuvable", "Cette ressource n'existe pas ou ne relève pas de votre périmètre."),
    exceptions.MethodNotAllowed: ("methode_non_autorisee", "Cette méthode n'est pas autorisée sur cette adresse."),
    exceptions.NotAcceptable: ("format_non_accepte", "Le format demandé n'est pas disponible."),
    exceptions.UnsupportedMediaType: (
        "format_non_supporte",
        "Le format des données envoyées n'est pas pris en charge.",
    ),
    exceptions.ParseError: ("requete_illisible", "Les données envoyées sont illisibles."),
    exceptions.Throttled: ("trop_de_requetes", "Trop de requêtes : réessayez plus tard."),
    exceptions.ValidationError: ("donnees_invalides", "Les données envoyées ne sont pas valides."),
}
INTERNAL_ERROR = ("erreur_interne", "Erreur interne : l'équipe technique est prévenue, réessayez plus tard.")


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        # A service's check (message in French), e.g. a value that does not match the unit.
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {field: [e.message % (e.params or {}) for e in errors] for field, errors in exc.error_dict.items()}
            )
        return exceptions.ValidationError(
            {"non_field_errors": [exceptions.ErrorDetail(m, code=exc.code or "invalid") for m in exc.messages]}
        )
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        logger.exception("api_unexpected_error", extra={"view": type(view).__name__ if view else None})
        code, detail = INTERNAL_ERROR
        return Response({"code": code, "detail": detail}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    code, detail = next(
        (value for cls, value in MESSAGES.items() if isinstance(exc, cls)),
        ("erreur", "La requête n'a pas pu aboutir."),
    )
    body: dict[str, Any] = {"code": code, "detail": detail}
    if isinstance(exc, exceptions.ValidationError):
        body["errors"] = exc.detail
        body["error_codes"] = exc.get_codes()
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["retry_after"] = int(exc.wait + 0.999)
    response.data = body
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    return response
