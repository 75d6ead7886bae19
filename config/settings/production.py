"""Production: every secret comes from the environment, with no default (fails at start)."""

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
