"""The background half of a large bulk action (``workflows.inbox.bulk``): ids in, rows fetched
again, progress written where the result page polls it (STYLE.md, "Background jobs")."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="inbox.bulk_run", ignore_result=True)
def bulk_run_task(key: str, user_id: int, action: str, pks: list[int], to_id: int | None) -> None:
    from accounts.models import User
    from workflows.inbox import bulk

    user = User.objects.filter(pk=user_id, is_active=True).first()
    to = User.objects.filter(pk=to_id, is_active=True).first() if to_id else None
    if user is None:
        bulk.operation_update(key, finished=True, result={"summary": "Compte désactivé : rien n'a été fait."})
        return

    def progress(done: int) -> None:
        if done % 10 == 0 or done == len(pks):
            bulk.operation_update(key, done=done)

    try:
        result = bulk.bulk_run(user=user, action=action, pks=pks, to=to, progress=progress)
    except ValueError as error:
        bulk.operation_update(key, finished=True, result={"summary": str(error), "done": [], "refused": []})
        return
    except Exception:
        # What was done stays done (one transaction per item); the page stops waiting.
        logger.exception("inbox_bulk_failed key=%s action=%s", key, action)
        summary = "L'action groupée s'est interrompue : ce qui est fait le reste ; relancez-la sur le reste."
        bulk.operation_update(key, finished=True, result={"summary": summary, "done": [], "refused": []})
        raise
    bulk.operation_update(key, done=len(pks), finished=True, result=result.as_dict())
