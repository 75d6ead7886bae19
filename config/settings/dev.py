"""Embedded default: SQLite, emails to the console, Celery on a filesystem queue (var/celery/,
worker and beat started by scripts/run.sh). No setup needed."""

import os

from config.env import BASE_DIR

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
os.environ.setdefault("EMAIL_URL", "consolemail://")

from config.settings.base import *  # noqa: F403

# The French error pages, not Django's English debug pages, though DEBUG is on (config.error_pages);
# inside the CSP middleware, which then gives the page's nonce its header.
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "config.error_pages.FrenchErrorPagesMiddleware")  # noqa: F405
DEBUG_ERROR_PAGES = os.environ.get("DJANGO_DEBUG_PAGES", "").lower() in {"1", "true", "yes"}
