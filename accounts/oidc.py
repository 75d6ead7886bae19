"""ProConnect login for State agents (OpenID Connect, mozilla-django-oidc).

An agent is matched by email to an account an administrator opened: nobody is created at first
login. Accounts with a national role (and superusers, staff) can be required to arrive with a
multi-factor ``acr`` (``PROCONNECT_NATIONAL_ACR_VALUES``); when ProConnect first answers with a
weaker one, the agent is sent back once asking for it as an essential claim (OpenID Connect Core
5.5.1.1), which ProConnect answers by asking for the second factor, then refused in French.

Endpoints are the ``OIDC_OP_*`` settings when set, else read from the issuer's discovery document
(OpenID Connect Discovery 1.0, section 4) the first time they are needed. The ID token is checked
here beyond what mozilla-django-oidc does (RS256 signature from the JWKS, nonce): issuer,
audience, authorised party, expiry (OpenID Connect Core 3.1.3.7), and the UserInfo ``sub``
(5.3.4). Password login (``accounts.views.LoginView``) stays.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import unicodedata
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django.views.generic import View

import requests
from josepy.errors import Error as JoseError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend  # type: ignore[import-untyped]
from mozilla_django_oidc.views import (  # type: ignore[import-untyped]
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts import views
from accounts.backends import session_user
from accounts.models import User

logger = logging.getLogger(__name__)

# Endpoint settings and the discovery document's name for each.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_END_SESSION_ENDPOINT": "end_session_endpoint",
}
DISCOVERY_MAX_AGE = 60 * 60  # seconds; keys are fetched at each login, endpoints rarely move
CLOCK_SKEW = 120  # seconds of tolerance on exp and iat
# Query parameter of the authentication view asking for the national acr values, and session keys.
STEP_UP_PARAM = "renforcee"
ACR_REQUESTED_KEY = "proconnect_acr_requested"
STEP_UP_HINT_KEY = "proconnect_step_up_hint"
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105 - a session key, where mozilla-django-oidc keeps it (OIDC_STORE_ID_TOKEN)
REFUSAL_ATTR = "proconnect_refusal"

_discovery_lock = threading.Lock()
_discovery: dict[str, tuple[float, dict[str, Any]]] = {}


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or is not the configured issuer's."""


def provider_discovery() -> dict[str, Any]:
    """The issuer's ``/.well-known/openid-configuration``, kept for an hour per process."""
    issuer = settings.PROCONNECT_ISSUER
    with _discovery_lock:
        cached = _discovery.get(issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_MAX_AGE:
            return cached[1]
    try:
        response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"discovery of {issuer} failed: {exc}") from exc
    # Discovery 4.3: the issuer in the document MUST be the one it was fetched from.
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise ProviderUnavailable(f"discovery of {issuer} names another issuer")
    with _discovery_lock:
        _discovery[issuer] = (time.monotonic(), document)
    return document


def provider_endpoint(setting: str) -> str:
    """An endpoint: its ``OIDC_OP_*`` setting when set, else the discovery document's."""
    explicit = getattr(settings, setting, "")
    if explicit:
        return str(explicit)
    value = provider_discovery().get(ENDPOINTS[setting])
    if not value:
        raise ProviderUnavailable(f"the provider publishes no {ENDPOINTS[setting]}")
    return str(value)


def email_key(email: str) -> str:
    """The stored spelling of an address (accounts.models.User.save): NFKC, trimmed, lower-case."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def requires_strong_acr(user: User) -> bool:
    return bool(settings.PROCONNECT_NATIONAL_ACR_VALUES) and (user.is_national or user.is_staff)


@dataclass(frozen=True)
class Refusal:
    """Why a ProConnect login did not open a session; the page says it in French."""

    reason: str  # "unknown", "inactive", "acr", "error", "unavailable"
    email: str = ""
    acr: str = ""
    role: str = ""


# --- Authentication backend -----------------------------------------------------------------


class ProConnectBackend(OIDCAuthenticationBackend):
    """Authenticates the ProConnect callback only; inert otherwise (password logins included).

    Listed after ModelBackend, behind django-axes' backend (config/settings/base.py). Django builds
    every backend at each ``authenticate()``: unlike mozilla-django-oidc's, this constructor reads
    no endpoint, so a password login never touches the provider or its configuration.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None  # always the provider's JWKS

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return str(settings.OIDC_RP_CLIENT_ID)

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return str(settings.OIDC_RP_CLIENT_SECRET)

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return provider_endpoint("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return provider_endpoint("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return provider_endpoint("OIDC_OP_JWKS_ENDPOINT")

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce (and no password): never answer a password login,
        # even one posted with ?code=…&state=… in its URL.
        if not settings.PROCONNECT_ENABLED or request is None or "nonce" not in kwargs or "password" in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id: int) -> User | None:
        # ModelBackend's rule, which refuses a deactivated account on the next request (the
        # library's returns any user row), with the user's organisation read at once.
        return cast("User | None", session_user(self, user_id))

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature (RS256, key of the JWKS by ``kid``) and the nonce;
        OpenID Connect Core 3.1.3.7 asks for the rest."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        now = time.time()
        audiences = payload.get("aud")
        audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
        if payload.get("iss") != settings.PROCONNECT_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token with several audiences and another authorised party")
        exp, iat = payload.get("exp"), payload.get("iat")
        if not isinstance(exp, int | float) or exp < now - CLOCK_SKEW:
            raise SuspiciousOperation("ID token expired")
        if isinstance(iat, int | float) and iat > now + CLOCK_SKEW:
            raise SuspiciousOperation("ID token issued in the future")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """UserInfo as JSON, or as a signed JWT (ProConnect's ``application/jwt``), checked with
        the same keys as the ID token; its ``sub`` must be the ID token's (Core 5.3.4)."""
        response = requests.get(
            self.OIDC_OP_USER_ENDPOINT,
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=settings.OIDC_TIMEOUT,
        )
        response.raise_for_status()
        if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
            token = response.content.strip()
            claims = json.loads(self.get_payload_data(token, self.retrieve_matching_jwk(token)).decode("utf-8"))
            if claims.get("iss", settings.PROCONNECT_ISSUER) != settings.PROCONNECT_ISSUER:
                raise SuspiciousOperation("UserInfo from another issuer")
        else:
            claims = response.json()
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("UserInfo about another subject than the ID token")
        return claims

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        email = claims.get("email")
        if not isinstance(email, str) or not email.strip():
            raise SuspiciousOperation("no email in the provider's claims")
        # No self-registration: only an account an administrator opened (OIDC_CREATE_USER off).
        user = User.objects.filter(email=email_key(email)).first()
        if user is None:
            self._refuse(Refusal("unknown", email=email))
            return None
        if not user.is_active:
            self._refuse(Refusal("inactive", email=email))
            return None
        acr = payload.get("acr")
        if requires_strong_acr(user) and acr not in settings.PROCONNECT_NATIONAL_ACR_VALUES:
            role = user.get_role_display() if user.role else "administration" if user.is_staff else "superutilisateur"
            self._refuse(Refusal("acr", email=email, acr=str(acr or ""), role=str(role)))
            return None
        logger.info("proconnect_login user=%s acr=%s", user.pk, acr)
        return user

    def _refuse(self, refusal: Refusal) -> None:
        logger.warning("proconnect_login_refused reason=%s email=%s acr=%s", refusal.reason, refusal.email, refusal.acr)
        setattr(self.request, REFUSAL_ATTR, refusal)


def axes_whitelisted(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    """django-axes' ``AXES_WHITELIST_CALLABLE``: the ProConnect callback carries no password, so
    there is nothing to guess and nothing to count. Counted, its refusals (unknown agent,
    missing acr) would pile up under an empty username per IP and lock every ProConnect login
    from a préfecture's shared address; the provider limits its own attempts."""
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "oidc_authentication_callback" and "password" not in (credentials or {}))


# --- Views ----------------------------------------------------------------------------------


def refused(request: HttpRequest, refusal: Refusal, status: int = 403) -> HttpResponse:
    context = {
        "title": "Connexion avec ProConnect refusée",
        "refusal": refusal,
        "acr_values": settings.PROCONNECT_NATIONAL_ACR_VALUES,
        "step_up_url": f"{reverse('oidc_authentication_init')}?{STEP_UP_PARAM}=1",
    }
    return render(request, "accounts/proconnect_refused.html", context, status=status)


class ProConnectAuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to ProConnect: state, nonce and PKCE from the library; the ``acr`` asked
    as an essential ID-token claim, with the national values on a step-up (``?renforcee=1``)."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the library's reads the endpoint here, before any 404

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:
        return provider_endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return str(settings.OIDC_RP_CLIENT_ID)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.PROCONNECT_ENABLED:
            raise Http404
        self.step_up = request.GET.get(STEP_UP_PARAM) == "1" and bool(settings.PROCONNECT_NATIONAL_ACR_VALUES)
        request.session[ACR_REQUESTED_KEY] = self.step_up
        try:
            return super().get(request)
        except ProviderUnavailable as exc:
            logger.error("proconnect_unavailable %s", exc)
            return refused(request, Refusal("unavailable"), status=503)

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        acr: dict[str, Any] = {"essential": True}
        params: dict[str, str] = {}
        if self.step_up:
            acr["values"] = list(settings.PROCONNECT_NATIONAL_ACR_VALUES)
            hint = request.session.get(STEP_UP_HINT_KEY)
            if hint:
                params["login_hint"] = hint
        params["claims"] = json.dumps({"id_token": {"acr": acr}}, separators=(",", ":"))
        return params


class ProConnectCallbackView(OIDCAuthenticationCallbackView):
    """Back from ProConnect: the library checks the state and calls ``authenticate``; a refusal
    or a provider error is a French page, never a server error."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.PROCONNECT_ENABLED:
            raise Http404
        self.acr_requested = bool(request.session.pop(ACR_REQUESTED_KEY, False))
        try:
            return super().get(request)
        except (ProviderUnavailable, requests.ConnectionError, requests.Timeout) as exc:
            logger.error("proconnect_unavailable %s", exc)
            return refused(request, Refusal("unavailable"), status=503)
        except (SuspiciousOperation, requests.RequestException, JoseError, ValueError) as exc:
            # Unknown state, code refused by the token endpoint, bad signature, wrong issuer…
            logger.warning("proconnect_callback_failed %s: %s", type(exc).__name__, exc)
            return refused(request, Refusal("error"), status=400)

    def login_failure(self) -> HttpResponse:
        refusal: Refusal = getattr(self.request, REFUSAL_ATTR, None) or Refusal("error")
        if refusal.reason == "acr" and not self.acr_requested:
            # Once: back to ProConnect asking for the national acr values (session upgrade).
            self.request.session[STEP_UP_HINT_KEY] = refusal.email
            query = {STEP_UP_PARAM: "1"}
            next_url = self.request.session.get("oidc_login_next")
            if next_url:
                query["next"] = next_url
            return HttpResponseRedirect(f"{reverse('oidc_authentication_init')}?{urlencode(query)}")
        self.request.session.pop(STEP_UP_HINT_KEY, None)
        return refused(self.request, refusal, status=400 if refusal.reason == "error" else 403)

    def login_success(self) -> HttpResponse:
        self.request.session.pop(STEP_UP_HINT_KEY, None)
        return super().login_success()


def provider_logout_url(request: HttpRequest) -> str:
    """``OIDC_OP_LOGOUT_URL_METHOD``: where to send a ProConnect session at logout, the
    provider's end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0, section 2), which
    comes back to the login page; the login page itself for a password session."""
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    id_token = request.session.get(ID_TOKEN_KEY)
    if not (settings.PROCONNECT_ENABLED and id_token):
        return after
    try:
        endpoint = provider_endpoint("OIDC_OP_END_SESSION_ENDPOINT")
    except ProviderUnavailable as exc:
        logger.error("proconnect_unavailable %s", exc)
        return after
    params = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": request.build_absolute_uri(after),
        "state": get_random_string(32),
    }
    return f"{endpoint}?{urlencode(params)}"


class LogoutView(views.LogoutView):
    """Ends the session here, and at ProConnect too when it was opened there."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        at_provider = None
        if request.user.is_authenticated and request.session.get(ID_TOKEN_KEY):
            at_provider = import_string(settings.OIDC_OP_LOGOUT_URL_METHOD)(request)  # before the flush
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response
