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
