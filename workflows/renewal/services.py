"""Writes on the renovation cases. Typed, keyword-only; views stay thin.

A task completion runs the task's transition through the case kernel
(``workflows.cases.runner.transition_run``): case row lock, refusals, the FSM method, the
history row, the deadline effects of ``workflows.renewal.transitions``, then viewflow's process
lock to complete the task and create the next one: all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet

from viewflow.workflow.models import Task

from accounts.models import User
from reference.models import CityContract
from workflows.cases.runner import transition_run
from workflows.cases.tasks import (
    TaskUnavailable,
    kind_tasks,
    task_assign,
    task_get,
    task_may_act,
    task_reassign,
    task_unassign,
    workflow_start,
)
from workflows.renewal.models import Renewal, RenewalDocument, RenewalState
from workflows.renewal.models.renewal import may_work
from workflows.renewal.transitions import KIND, TRANSITIONS, RenewalRefused
from workflows.uploads import upload_check

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
OFFICE_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}


__all__ = ["RenewalRefused", "TaskUnavailable", "renewal_launch", "renewal_task_complete"]


def renewal_launch(*, city_contract: CityContract, user: User | None, bulk: bool = False) -> tuple[Renewal, bool]:
    """Create the case if needed and launch it once: idempotent (returns whether it launched)."""
    with transaction.atomic():
        renewal, _ = Renewal.objects.get_or_create(
            city_contract=city_contract, defaults={"department_id": city_contract.department_id}
        )
        renewal = Renewal.objects.select_for_update().get(pk=renewal.pk)
        if renewal.state != RenewalState.NOT_STARTED:
            return renewal, False
        renewal = transition_run(case=renewal, name="launch", user=user, comment="Lancement national" if bulk else "")
        workflow_start(case=renewal, bulk=bulk)
        return renewal, True


def renewal_tasks() -> QuerySet[Task]:
    """The human tasks of the renovation flow, and only those (node names are shared)."""
    return kind_tasks(KIND)


def task_allowed(*, user: User, task: Task, renewal: Renewal) -> bool:
    return task_may_act(user=user, task=task, case=renewal)


def renewal_task_complete(
    *,
    task_pk: int,
    user: User,
    transition: str | None = None,
    comment: str = "",
    fields: Mapping[str, Any] | None = None,
    uploads: Iterable[tuple[str, UploadedFile]] = (),
    commitments: Any = None,
) -> Renewal:
    """Complete a human task (claiming it first if it is still in the queue): the form's
    fields, commitments and documents are written on the locked case, then the task's
    transition (the decision, for the prefect's and the CGET's tasks) runs through the kernel."""
    task, case = task_get(KIND, task_pk)
    renewal = cast(Renewal, case)
    decisions = [spec.name for spec in TRANSITIONS.completing(task.flow_task.name)]
    name = transition or decisions[0]
    if name not in decisions:
        raise PermissionDenied("Cette action ne termine pas cette tâche.")
    if not task_may_act(user=user, task=task, case=renewal):
        raise PermissionDenied("Cette tâche ne relève pas de votre rôle ou de votre département.")

    def prepare(locked: Renewal) -> None:
        for field, value in (fields or {}).items():
            if field == "merged_contracts":
                locked.merged_contracts.set(value)
            else:
                setattr(locked, field, value)
        if commitments is not None:  # the protocol's commitments formset, saved on the locked case
            commitments.instance = locked
            commitments.save()
        for kind, upload in uploads:
            renewal_document_add(renewal=locked, user=user, kind=kind, upload=upload)

    return transition_run(case=renewal, name=name, user=user, comment=comment, task_pk=task.pk, prepare=prepare)


def renewal_task_assign(*, task_pk: int, user: User) -> None:
    """Take a task from the queue."""
    task_assign(kind=KIND, task_pk=task_pk, user=user)


def renewal_task_unassign(*, task_pk: int, user: User) -> None:
    """Put one's task back in the département's queue."""
    task_unassign(kind=KIND, task_pk=task_pk, user=user)


def renewal_task_reassign(*, task_pk: int, user: User, to: User) -> None:
    """Hand one's task to a colleague who may do it (same role permission and département)."""
    task_reassign(kind=KIND, task_pk=task_pk, user=user, to=to)


def document_check(*, upload: UploadedFile, kind: str) -> str:
    """Refuse, in French, a file that is not a PDF or office document, or too large; returns its MIME type."""
    # The one upload validator (workflows/uploads.py): magic numbers, markup a browser would
    # sniff, PDF structure and scripts, zip-bomb limits of office files, clamd when configured.
    expected = upload_check(upload=upload, types=OFFICE_TYPES, max_size=MAX_DOCUMENT_SIZE)
    if kind == RenewalDocument.Kind.SIGNED_PROTOCOL and expected != "application/pdf":
        raise ValidationError("Le protocole signé doit être un fichier PDF.")
    return expected


def renewal_document_add(*, renewal: Renewal, user: User, kind: str, upload: UploadedFile) -> RenewalDocument:
    mime = document_check(upload=upload, kind=kind)
    document = RenewalDocument(
        renewal=renewal,
        kind=kind,
        original_name=(upload.name or "document")[:200],
        content_type=mime,
        size=upload.size or 0,
        uploaded_by=user,
    )
    document.file.save(upload.name or "document", upload, save=False)
    document.save()
    return document


def renewal_commitments_save(*, renewal: Renewal, user: User, formset: Any) -> None:
    """Commitments change only while the protocol is negotiated, by the département's agents."""
    if not may_work(renewal, user):
        raise PermissionDenied("Vous ne pouvez pas modifier ce protocole.")
    if renewal.state != RenewalState.NEGOTIATION:
        raise RenewalRefused(["Les engagements ne se modifient que pendant la négociation du protocole."])
    with transaction.atomic():
        formset.save()


def renewal_launch_all(*, user: User, progress: Callable[[int], object] | None = None) -> int:
    """Launch every contract not launched yet, one transaction each (a crash keeps what was done)."""
    if not user.has_perm("workflows.launch_all_renewals"):
        raise PermissionDenied("Seul l'administrateur national lance toutes les rénovations.")
    launched = 0
    for contract in CityContract.objects.order_by("department_code", "code").iterator():
        _, done = renewal_launch(city_contract=contract, user=user, bulk=True)
        launched += done
        if progress is not None:
            progress(1)
    return launched
