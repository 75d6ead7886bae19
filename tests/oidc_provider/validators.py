"""Claims of the test provider, shaped like ProConnect's."""

from __future__ import annotations

import json
from typing import Any

from jwcrypto import jwt  # type: ignore[import-untyped]
from oauth2_provider.oauth2_validators import OAuth2Validator  # type: ignore[import-untyped]

# Directory users in this group have a second factor: they can reach the substantial level.
MFA_GROUP = "mfa"
PASSWORD_ACR = "eidas1"
MFA_ACRS = ("eidas2", "eidas3")


def requested_acr_values(request: Any) -> list[str]:
    """The acr values asked through the ``claims`` parameter (OpenID Connect Core 5.5.1.1), as
    ProConnect expects them; django-oauth-toolkit keeps that parameter with the code."""
    claims = request.claims if isinstance(request.claims, dict) else {}
    acr = (claims.get("id_token") or {}).get("acr") or {}
    if not isinstance(acr, dict):
        return []
    values = acr.get("values") or ([acr["value"]] if acr.get("value") else [])
    return [str(value) for value in values]


class ProConnectLikeValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "given_name": "given_name",
        "usual_name": "usual_name",
        "acr": "openid",
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        requested = requested_acr_values(request)
        has_mfa = user.groups.filter(name=MFA_GROUP).exists()
        # With a second factor, the first MFA level asked for; otherwise what a password gives.
        acr = next((value for value in requested if value in MFA_ACRS), None) if has_mfa else None
        return {
            "email": user.email,
            "given_name": user.first_name,
            "usual_name": user.last_name,
            "acr": acr or PASSWORD_ACR,
        }

    def get_userinfo_claims(self, request: Any) -> str:
        """Signed like ProConnect's UserInfo response (``application/jwt``), with the client's key."""
        claims = super().get_userinfo_claims(request)
        claims.pop("acr", None)  # the level is the ID token's
        application = request.access_token.application
        key = application.jwk_key
        claims.update(iss=self.get_oidc_issuer_endpoint(request), aud=application.client_id)
        token = jwt.JWT(
            header=json.dumps({"typ": "JWT", "alg": application.algorithm, "kid": key.thumbprint()}),
            claims=json.dumps(claims),
        )
        token.make_signed_token(key)
        return str(token.serialize())
