"""Every periodic job is in Celery beat's schedule, and every scheduled task exists."""

from __future__ import annotations

from django.conf import settings

import pytest

from config.celery import app

# The periodic jobs of the product: the reminders sweep (it also sends the daily digests), the
# PAQTE offers (documented as daily), the follow-ups a moved campaign end calls for.
PERIODIC = {"notifications.reminders_sweep", "paqte.offer", "followup.generate_all"}


def test_every_periodic_job_is_scheduled() -> None:
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled >= PERIODIC


def test_every_scheduled_task_is_registered() -> None:
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


@pytest.mark.django_db
def test_the_paqte_offer_task_runs(make_user: object) -> None:
    from workflows.paqte.tasks import paqte_offer_task

    result = paqte_offer_task.apply().get()
    assert set(result) == {"charters", "conventions", "met", "reopened"}
