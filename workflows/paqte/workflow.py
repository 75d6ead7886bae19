"""Glue between the PAQTE cases and their viewflow processes: start a process with its case,
and complete (or cancel) the matching human task when a case transition is done."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts.models import User
from workflows.paqte.flows import (
    COMPLETED_BY,
    CharterConventionFlow,
    PaqteConventionFlow,
    PaqteProcess,
    ReferentDesignationFlow,
    SemesterReportFlow,
)
from workflows.paqte.models import CharterConvention, PaqteConvention, ReferentDesignation, SemesterReport

FLOW_OF: dict[type[Any], type[Any]] = {
    PaqteConvention: PaqteConventionFlow,
    CharterConvention: CharterConventionFlow,
    ReferentDesignation: ReferentDesignationFlow,
    SemesterReport: SemesterReportFlow,
}
FINAL_STATES = {"expired", "renewed", "terminated", "migrated", "declined", "approved"}
OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def workflow_start(*, case: Any) -> PaqteProcess:
    process: PaqteProcess = FLOW_OF[type(case)].start.run(case=case)
    return process


def process_of(case: Any) -> PaqteProcess | None:
    return (
        PaqteProcess.objects.filter(
            artifact_content_type=ContentType.objects.get_for_model(case),
            artifact_object_id=case.pk,
            status=PROCESS.NEW,
        )
        .order_by("-pk")
        .first()
    )


def workflow_on_transition(*, case: Any, name: str, user: User | None) -> None:
    """Complete the open task the transition ``name`` stands for; cancel the rest if the case
    reached a final state by another way (a termination, an expiry)."""
    process = process_of(case)
    if process is None:  # cases created before their flow existed, or bulk data
        return
    flow_class = process.flow_class
    node_name = COMPLETED_BY.get(name)
    with flow_class.lock(process.pk):
        for task in Task.objects.filter(process=process, status__in=OPEN, flow_task_type="HUMAN").order_by("pk"):
            activation = task.flow_task.activation_class(task)
            if node_name is not None and task.flow_task.name == node_name:
                if task.status == STATUS.NEW:
                    if user is not None:
                        activation.assign(user)
                    else:
                        task.status = STATUS.ASSIGNED
                        task.save()
                if task.status == STATUS.ASSIGNED:
                    activation.start(None)
                activation.execute()
            elif case.state in FINAL_STATES:
                activation.cancel()
        if case.state in FINAL_STATES:
            process.refresh_from_db()
            if process.status == PROCESS.NEW and not Task.objects.filter(process=process, status__in=OPEN).exists():
                process.status = PROCESS.CANCELED
                process.finished = timezone.now()
                process.save()
