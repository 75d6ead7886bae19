"""Production: every secret comes from the environment, with no default (fails at start)."""

from django.core.exceptions import ImproperlyConfigured

from config.env import read
from config.settings.base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = list(read("DJANGO_ALLOWED_HOSTS", cast=list))  # type: ignore[call-overload]  # no default

# Static files served by the app process itself behind nginx (compressed, hashed names).
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")  # noqa: F405

SECURE_SSL_REDIRECT = bool(read("DJANGO_SECURE_SSL_REDIRECT", cast=bool, default=True))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Sessions and cookies: HTTPS only, out
# of JavaScript's reach, not sent on cross-site sub-requests, gone when the browser closes and
# at most 8 hours old (SESSION_COOKIE_AGE in base.py).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Behind nginx (one proxy, which sets X-Forwarded-For): django-axes counts failures per client IP.
AXES_IPWARE_PROXY_COUNT = 1
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# ProConnect: the client secret, the codes and the tokens travel to the provider over HTTPS only.
_proconnect_urls = [
    PROCONNECT_ISSUER,  # noqa: F405
    OIDC_OP_AUTHORIZATION_ENDPOINT,  # noqa: F405
    OIDC_OP_TOKEN_ENDPOINT,  # noqa: F405
    OIDC_OP_USER_ENDPOINT,  # noqa: F405
    OIDC_OP_JWKS_ENDPOINT,  # noqa: F405
    OIDC_OP_END_SESSION_ENDPOINT,  # noqa: F405
]
if PROCONNECT_ENABLED and any(url and not url.startswith("https://") for url in _proconnect_urls):  # noqa: F405
    raise ImproperlyConfigured("ProConnect : les adresses PROCONNECT_* doivent commencer par https://.")
