"""Every API error as ``{"code": "<stable machine-readable code>", "detail": "<French sentence>"}``.

Validation errors also carry the per-field messages under ``errors``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code, detail = next(
        (value for cls, value in MESSAGES.items() if isinstance(exc, cls)),
        ("erreur", "La requête n'a pas pu aboutir."),
    )
    body: dict[str, Any] = {"code": code, "detail": detail}
    if isinstance(exc, exceptions.ValidationError):
        body["errors"] = exc.detail
    response.data = body
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    return response
