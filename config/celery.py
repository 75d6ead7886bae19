"""The Celery application. Workers and beat start from deploy/ (see README)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("quartiers")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
