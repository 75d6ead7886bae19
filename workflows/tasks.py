"""The Celery tasks of the case kinds, found by ``app.autodiscover_tasks()`` (``<app>.tasks``)."""

from workflows.inbox.tasks import bulk_run_task
from workflows.paqte.tasks import paqte_offer_task
from workflows.renewal.followup.tasks import follow_ups_generate_all_task

__all__ = ["bulk_run_task", "follow_ups_generate_all_task", "paqte_offer_task"]
