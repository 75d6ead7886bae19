"""Celery tasks: they take ids, re-read the rows and call a service (STYLE.md, "Background jobs").

No countdown, no ETA: retries are the sweep's job (it re-queues what is still ``ready``), so
nothing waits in Redis for long and a flushed Redis loses nothing but messages.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from notifications.reminders import reminders_sweep
from notifications.sending import reminders_dispatch


@shared_task(name="notifications.reminders_sweep", ignore_result=True)
def reminders_sweep_task() -> dict[str, Any]:
    result = reminders_sweep(enqueue=lambda ids: reminders_send_task.delay(ids))
    return {"locked": result.locked, "created": result.reminders_created, "queued": result.queued}


@shared_task(name="notifications.reminders_send", ignore_result=True)
def reminders_send_task(reminder_ids: list[int]) -> dict[str, int]:
    outcome = reminders_dispatch(reminder_ids=[int(i) for i in reminder_ids])
    return {"sent": outcome.sent, "skipped": outcome.skipped, "failed": outcome.failed}
