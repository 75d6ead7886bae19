"""Tests run against the real PostgreSQL and Redis of the machine (see scripts/test.sh)."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/quartiers")
# Celery's broker on database 14, the cache on 15 (config/redis_databases.py): the reminders'
# fault tests flush the broker's database, never the cache the other xdist process reads.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:1025")

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run Celery eagerly (HackSoft config/django/test.py); the integration suite of the
# reminders issue starts a real worker on the real broker.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One folder per xdist process (its subprocesses inherit the variable): a test that checks
# nothing was stored would otherwise see the other process's uploads of the same moment.
PRIVATE_MEDIA_ROOT = str(BASE_DIR / "var" / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT

# Test-only flows (tests/workflows/bench_flow.py) must belong to an installed app for viewflow.
INSTALLED_APPS = [*INSTALLED_APPS, "tests"]  # noqa: F405
