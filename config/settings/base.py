"""Settings shared by every environment. Environment modules set defaults, then import this."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import dj_database_url
import django_stubs_ext
import environ
from celery.schedules import crontab
from csp.constants import NONCE

from config import redis_databases
from config.env import BASE_DIR, read

# Generic admin/form classes (ModelAdmin[Model]) at run time, as django-stubs expects.
django_stubs_ext.monkeypatch()

DEBUG = bool(read("DJANGO_DEBUG", cast=bool, default=False))
SECRET_KEY = str(read("DJANGO_SECRET_KEY"))
ALLOWED_HOSTS: list[str] = list(read("DJANGO_ALLOWED_HOSTS", cast=list, default=[]))  # type: ignore[call-overload]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",  # django-dsfr's radio and checkbox snippets load it
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served locally, no CDN
    "accounts",
    "reference",
    "workflows",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RejectNulMiddleware",  # first process_view: a NUL byte is a 400, never a DataError
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "config.context_processors.campaign",
            ],
            # On every page without a {% load %}: the breadcrumb ({% crumb %}) and the state badges.
            "builtins": ["accounts.templatetags.site_nav", "workflows.templatetags.badges"],
        },
    }
]

DATABASES: dict[str, Any] = {
    "default": dj_database_url.parse(str(read("DATABASE_URL")), conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default never answers "database is locked": write-ahead log (readers never wait
    # for the writer), every transaction takes the write lock at BEGIN (no deadlock upgrading a
    # read lock, so the busy timeout applies), and a writer waits up to 20 s for another (the
    # reminder sweep) instead of failing (Django 5.1+ SQLite options, https://docs.djangoproject.com/
    # en/5.2/ref/databases/#sqlite-transaction-behavior).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # PostgreSQL: the parameters bound by the server, and every statement run five times on a
    # connection prepared (psycopg's ``prepare_threshold``; Django turns it off by default for
    # connection poolers in transaction mode, which this deployment has none of: deploy/). The
    # planning of a page's statements was most of PostgreSQL's work on it (a join of three
    # tables: 350 µs planned each time, 60 µs prepared; benchmarks/RESULTS.md, twelfth pass).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's database sessions, each request's read by a statement compiled once (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Authenticates nobody: reads a user's permissions and département grants in one query.
    "accounts.backends.PermissionsAtOnce",
    "accounts.backends.PasswordBackend",  # Django's ModelBackend, the session's user read with his organisation
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-guardian: no anonymous user row, object permissions through the direct-foreign-key
# tables declared in accounts.models (guardian docs, userguide/performance.md).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_404 = True

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = str(read("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Whitenoise's compressed manifest storage, tolerant of fonts viewflow names but does not ship.
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
}
# Uploaded documents live outside any served directory; they are only ever streamed by a
# permission-checked view (no MEDIA_URL is published).
PRIVATE_MEDIA_ROOT = str(read("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# Optional clamd antivirus scan of every upload (workflows/uploads.py, deploy/README.md); empty: off.
CLAMD_ADDRESS = str(read("CLAMD_ADDRESS", default=""))

# Email
_email = environ.Env.email_url_config(str(read("EMAIL_URL")))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = str(read("DEFAULT_FROM_EMAIL", default="Quartiers <ne-pas-repondre@quartiers.local>"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = str(read("SITE_URL", default="http://localhost:8000")).rstrip("/")
# The campaign clock for demos and training (notifications.campaign.settings_clock); empty: real date.
QUARTIERS_CAMPAIGN_TODAY = str(read("QUARTIERS_CAMPAIGN_TODAY", default="")).strip()

# Redis: Celery's broker and the cache, each in its own database (config/redis_databases.py):
# the broker on the database REDIS_URL names, the cache on the next one, unless CELERY_BROKER_URL
# or REDIS_CACHE_URL name theirs. cache.clear() empties the cache's whole database (FLUSHDB): it
# must never hold the queued reminders. Without REDIS_URL (embedded default), no Redis at all.
REDIS_URL = str(read("REDIS_URL", default=""))
_redis = redis_databases.separate(
    REDIS_URL,
    cache_url=str(read("REDIS_CACHE_URL", default="")),
    broker_url=str(read("CELERY_BROKER_URL", default="")),
)
REDIS_CACHE_URL = _redis.cache if _redis else ""
if _redis:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedClientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            # What the pages keep there is a saving, never a need (workflows.cases.kept): a Redis
            # that does not answer costs a page half a second at most, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery (cookiecutter-django's block): JSON only, bounded time, acks after the work is done.
# Without Redis (embedded default) the broker is kombu's filesystem transport under var/celery/:
# scripts/run.sh starts one worker with beat on it, so reminders fire with no set-up.
# (Celery itself also reads CELERY_BROKER_URL from the environment: the same value as here.)
CELERY_BROKER_URL = _redis.broker if _redis else "filesystem://"
CELERY_BROKER_DIR = BASE_DIR / "var" / "celery"
if not _redis:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The one static schedule. Each entry says in words when it runs.
CELERY_BEAT_SCHEDULE = {
    # Every ten minutes, from 06:00 to 21:50 Paris time: write the due reminders to the outbox
    # and (re)queue what is still pending. The first run of the day catches up on the night;
    # nobody is mailed at night.
    "reminders-sweep": {
        "task": "notifications.reminders_sweep",
        "schedule": crontab(minute="*/10", hour="6-21"),
    },
    # Every day at 05:30, before the first sweep: offer the PAQTE to the charter conventions
    # nearing their end and the renewal to the PAQTE conventions nearing theirs, then meet the
    # charter migration deadline of each département that has nothing left to migrate.
    "paqte-offer": {"task": "paqte.offer", "schedule": crontab(minute=30, hour=5)},
    # Every night at 04:45: the follow-ups of the signed protocols a change of the campaign
    # (its end moved in the admin) calls for; idempotent.
    "commitment-follow-ups": {"task": "followup.generate_all", "schedule": crontab(minute=45, hour=4)},
}

# Reminders: protocol constants, not operator settings.
NOTIFICATIONS_SENDING_LEASE = 5 * 60  # seconds a worker may hold a row in "sending"
NOTIFICATIONS_REQUEUE_AFTER = 15 * 60  # a queued row still "ready" after this is queued again
NOTIFICATIONS_MAX_ATTEMPTS = 5  # then "failed" (visible in the admin)
NOTIFICATIONS_DIGEST_HOUR = 7  # daily digests leave from 07:00 Paris time
NOTIFICATIONS_CATCH_UP_DAYS = 14  # an escalation missed by the sweeps still leaves within 14 days

# Security defaults valid everywhere; production.py hardens the rest.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = 8 * 60 * 60  # absolute maximum of a session (ASVS 7.3.2)
SESSION_IDLE_TIMEOUT = 60 * 60  # signed out after an hour without a request (config.middleware, ASVS 7.3.1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": str(read("DJANGO_LOG_LEVEL", default="INFO"))},
}

# Where the reference CSV files live (copied from shared/data with their provenance).
REFERENCE_DATA_DIR = BASE_DIR / "reference" / "data"
# Mark optional fields, not required ones (current DSFR guidance; django-dsfr's next default).
DSFR_MARK_OPTIONAL_FIELDS = True
# django-dsfr marks its components' content safe by default: messages and table cells may quote
# what a user typed, so let Django's autoescaping apply.
DSFR_CONTENT_IS_SAFE = False


# --- REST API: token authentication, French errors with a stable code, OpenAPI 3 ---
# Token first, so that a request without credentials gets 401 with "WWW-Authenticate: Token".
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Quartiers",
    "DESCRIPTION": (
        "Lecture des territoires, contrats de ville, dossiers de rénovation, échéances, mesures de la feuille "
        "de route et réunions de pilotage, dans le périmètre départemental de l'utilisateur ; enregistrement "
        "du suivi des engagements par l'agent de préfecture du département. "
        "Authentification : en-tête « Authorization: Token <jeton> »."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # the documentation assets come from drf-spectacular-sidecar (static files), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}


# --- Security hardening; see SECURITY.md for the tests that show each rule ---
INSTALLED_APPS += ["axes"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "config.middleware.IdleSessionMiddleware",
)
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a lock-out raised by the backend into the lock-out page.
    "axes.middleware.AxesMiddleware",
]
# First backend, as django-axes asks: it refuses a locked-out user+IP before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
# Login rate limiting (django-axes): 5 failures for one address from one IP lock that pair for
# 30 minutes; a success resets the count. Same for the admin's login.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login forms (ours and the admin's) post the address as "username" (USERNAME_FIELD is "email").
AXES_USERNAME_FORM_FIELD = "username"
# Failures are counted against the normalised address (trimmed, lower-case), the one spelling
# accounts.models.UserManager looks up: "AGENT@…" or " agent@… " share the count of "agent@…".
AXES_USERNAME_CALLABLE = "accounts.login.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False

# Content Security Policy (django-csp 4): only our own origin; scripts and the few inline
# <style> blocks carry the per-request nonce (DSFR's {% dsfr_js nonce=request.csp_nonce %}).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
TEMPLATES[0]["OPTIONS"]["context_processors"].append("config.context_processors.csp_nonce")  # type: ignore[index]
# Browser features the product never uses (config.middleware.SecurityHeadersMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), interest-cohort=()"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


# --- Audit of changes (django-auditlog): who changed which object, when, before and after ---
# The models the administration edits. Secrets stay out of the log: the password hash and the
# last login of users are never recorded (OWASP ASVS 5.0 16.2.5); API tokens are not audited.
INSTALLED_APPS += ["auditlog"]
# After the authentication middleware, which gives it the actor (django-auditlog docs, "Usage").
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "auditlog.middleware.AuditlogMiddleware",
)
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {
        "model": "accounts.User",
        "exclude_fields": ["password", "last_login"],
        "m2m_fields": ["groups", "user_permissions"],
    },
    "accounts.Organisation",
    "accounts.DepartmentUserObjectPermission",
    "accounts.DepartmentGroupObjectPermission",
    "notifications.Campaign",
    "notifications.DeadlineDefinition",
    "notifications.ReminderRule",
    "reference.Region",
    "reference.Department",
    "reference.Epci",
    "reference.Qpv",
    "reference.CityContract",
    "reference.Measure",
    "reference.MeasureIndicator",
)
# Raw saves are fixtures and the tests' serialized rollback, not changes made by someone: logging
# them would also create content types in the middle of a restore (django-auditlog docs, settings).
AUDITLOG_DISABLE_ON_RAW_SAVE = True


# --- ProConnect login (OpenID Connect, mozilla-django-oidc; accounts/oidc.py) ---
# Off without a client id: no button, /oidc/ not routed (accounts/urls.py), password login only.
OIDC_RP_CLIENT_ID = str(read("PROCONNECT_CLIENT_ID", default=""))
OIDC_RP_CLIENT_SECRET = str(read("PROCONNECT_CLIENT_SECRET", default=""))
PROCONNECT_ENABLED = bool(OIDC_RP_CLIENT_ID)
PROCONNECT_ISSUER = str(read("PROCONNECT_ISSUER", default="")).rstrip("/")
if PROCONNECT_ENABLED and not (OIDC_RP_CLIENT_SECRET and PROCONNECT_ISSUER):
    raise ImproperlyConfigured(
        "ProConnect : PROCONNECT_CLIENT_SECRET et PROCONNECT_ISSUER sont obligatoires avec PROCONNECT_CLIENT_ID."
    )
# Explicit endpoints; an empty one is read from the issuer's discovery document when first needed.
OIDC_OP_AUTHORIZATION_ENDPOINT = str(read("PROCONNECT_AUTHORIZATION_ENDPOINT", default=""))
OIDC_OP_TOKEN_ENDPOINT = str(read("PROCONNECT_TOKEN_ENDPOINT", default=""))
OIDC_OP_USER_ENDPOINT = str(read("PROCONNECT_USERINFO_ENDPOINT", default=""))
OIDC_OP_JWKS_ENDPOINT = str(read("PROCONNECT_JWKS_ENDPOINT", default=""))
OIDC_OP_END_SESSION_ENDPOINT = str(read("PROCONNECT_END_SESSION_ENDPOINT", default=""))
# acr values a national account (référent CGET, administrateur national, superuser) must arrive with.
PROCONNECT_NATIONAL_ACR_VALUES: list[str] = str(read("PROCONNECT_NATIONAL_ACR_VALUES", default="")).split()
OIDC_RP_SIGN_ALGO = "RS256"  # ID token signature checked with the provider's JWKS
OIDC_RP_SCOPES = "openid email given_name usual_name"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # no self-registration: only accounts an administrator opened
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the logout at the provider
OIDC_OP_LOGOUT_URL_METHOD = "accounts.oidc.provider_logout_url"
OIDC_TIMEOUT = 10  # seconds, each call to the provider
# After ModelBackend, behind django-axes' backend, which needs the request (the callback passes it).
AUTHENTICATION_BACKENDS.insert(
    AUTHENTICATION_BACKENDS.index("accounts.backends.PasswordBackend") + 1,
    "accounts.oidc.ProConnectBackend",
)
# The callback carries no password: django-axes neither counts nor locks it (accounts.oidc).
AXES_WHITELIST_CALLABLE = "accounts.oidc.axes_whitelisted"
# The login button and the logout form lead (by redirect) to the provider: CSP form-action.
cast("dict[str, list[str]]", CONTENT_SECURITY_POLICY["DIRECTIVES"])["form-action"] += sorted(
    {
        f"{url.scheme}://{url.netloc}"
        for url in map(urlsplit, [PROCONNECT_ISSUER, OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_END_SESSION_ENDPOINT])
        if PROCONNECT_ENABLED and url.scheme and url.netloc
    }
)
