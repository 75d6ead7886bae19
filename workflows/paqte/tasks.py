"""Celery tasks of the PAQTE: the daily offers (STYLE.md, "Background jobs": a task calls a
service and tolerates what it finds)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="paqte.offer", ignore_result=True)
def paqte_offer_task() -> dict[str, Any]:
    """Offer the PAQTE to the charter conventions nearing their end, the renewal to the PAQTE
    conventions nearing theirs, and follow the charter migration deadline of every département."""
    from workflows.paqte.deadlines import charter_migration_follow
    from workflows.paqte.services import charters_offer_near_end, conventions_offer_renewal

    charters = charters_offer_near_end()
    conventions = conventions_offer_renewal()
    met, reopened = charter_migration_follow()
    return {"charters": len(charters), "conventions": len(conventions), "met": met, "reopened": reopened}
