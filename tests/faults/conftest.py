"""The SMTP sink and the Celery worker/beat fixtures's fault tests, shared here."""

from tests.notifications.test_faults import cluster, sink  # noqa: F401
