"""Celery task of the commitments' follow-up: create what a change of the campaign calls for."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="followup.generate_all", ignore_result=True)
def follow_ups_generate_all_task() -> dict[str, int]:
    from workflows.renewal.followup.services import follow_ups_generate_all

    cases, created = follow_ups_generate_all()
    return {"cases": cases, "created": created}
