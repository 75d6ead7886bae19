"""Writes on the renovation cases. Typed, keyword-only; views stay thin.

A task completion runs the task's transition through the case kernel
(``workflows.cases.runner.task_complete``): case row lock, the process row lock with the task,
refusals, the FSM method, the history row, the deadline effects of
``workflows.renewal.transitions``, then the task completed and the next one created: all in one
transaction.
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
from workflows.cases.locks import case_locked
from workflows.cases.runner import task_complete, transition_run
from workflows.cases.tasks import (
    TASK_DENIED,
    TaskUnavailable,
    kind_task,
    kind_tasks,
    task_assign,
    task_held,
    task_may_act,
    task_may_see,
    task_reassign,
    task_unassign,
    workflow_start,
)
from workflows.renewal.models import Renewal, RenewalDocument, RenewalState
from workflows.renewal.models.renewal import may_work
from workflows.renewal.transitions import KIND, RenewalRefused
from workflows.uploads import MAX_DOCUMENT_SIZE, OFFICE_TYPES, upload_check

__all__ = ["RenewalRefused", "TaskUnavailable", "renewal_launch", "renewal_task_complete"]


def renewal_launch(*, city_contract: CityContract, user: User | None, bulk: bool = False) -> tuple[Renewal, bool]:
    """Create the case if needed and launch it once: idempotent (returns whether it launched)."""
    with transaction.atomic():
        created, _ = Renewal.objects.get_or_create(
            city_contract=city_contract, defaults={"department_id": city_contract.department_id}
        )
        with case_locked(created) as renewal:
            if renewal.state != RenewalState.NOT_STARTED:
                return renewal, False
            comment = "Lancement national" if bulk else ""
            renewal = transition_run(case=renewal, name="launch", user=user, comment=comment)
            workflow_start(case=renewal, bulk=bulk)
            return renewal, True


def renewal_tasks() -> QuerySet[Task]:
    """The human tasks of the renovation flow, and only those (node names are shared)."""
    return kind_tasks(KIND)


def renewal_task_get(task_pk: int) -> Task:
    """The renovation task ``task_pk`` with its process and owner, read by the kernel's compiled
    statement (``Task.DoesNotExist`` for a task of another flow)."""
    return kind_task(KIND, task_pk)


def task_allowed(*, user: User, task: Task, renewal: Renewal) -> bool:
    return task_may_act(user=user, task=task, case=renewal)


def task_page_allowed(*, user: User, task: Task, renewal: Renewal) -> bool:
    """The task's page: the kernel's ``task_may_see`` (the role's rule, whoever holds the task)."""
    return task_may_see(user=user, task=task, case=renewal)


def _task_form_write(
    locked: Renewal,
    *,
    user: User,
    fields: Mapping[str, Any] | None,
    uploads: Iterable[tuple[str, UploadedFile]],
    commitments: Any,
) -> None:
    """What a task's form holds, written on the locked case: fields, commitments, documents."""
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


def renewal_task_complete(
    *,
    task_pk: int,
    user: User,
    transition: str | None = None,
    comment: str = "",
    fields: Mapping[str, Any] | None = None,
    uploads: Iterable[tuple[str, UploadedFile]] = (),
    commitments: Any = None,
    seen_state: str | None = None,
) -> Renewal:
    """Complete a human task (claiming it first if it is still in the queue): the form's
    fields, commitments and documents are written on the locked case, then the task's
    transition (the decision, for the prefect's and the CGET's tasks) runs through the kernel
    (``task_complete``: the task is read once, under the process lock). ``seen_state``: the step
    the user's page showed (another one now: a lost race, nothing written, the form kept)."""

    def prepare(locked: Renewal) -> None:
        _task_form_write(locked, user=user, fields=fields, uploads=uploads, commitments=commitments)

    renewal: Renewal = task_complete(
        kind=KIND,
        task_pk=task_pk,
        user=user,
        transition=transition,
        comment=comment,
        prepare=prepare,
        seen_state=seen_state,
    )
    return renewal


def renewal_task_draft_save(
    *,
    task_pk: int,
    user: User,
    fields: Mapping[str, Any] | None = None,
    uploads: Iterable[tuple[str, UploadedFile]] = (),
    commitments: Any = None,
    seen_state: str | None = None,
) -> Renewal:
    """« Enregistrer le brouillon »: what the task's form holds is written, the task stays open and
    no transition runs (its refusals wait for the task's button). The task is held as for its
    completion (the kernel's ``task_held``): the case still at ``seen_state``, the task open and
    the user's (or a colleague's whose absence he covers), his role one that may complete it."""
    with task_held(KIND, task_pk, user, seen_state) as hold:
        locked = cast(Renewal, hold.case)
        if hold.task is None or not task_may_see(user=user, task=hold.task, case=locked):
            raise PermissionDenied(TASK_DENIED)
        _task_form_write(locked, user=user, fields=fields, uploads=uploads, commitments=commitments)
        locked.save()
    return locked


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
    """Commitments change only while the protocol is negotiated, by the département's agents
    (checked on the locked case: the protocol may have been sent on since the page was opened)."""
    if not may_work(renewal, user):
        raise PermissionDenied("Vous ne pouvez pas modifier ce protocole.")
    with case_locked(renewal) as locked:
        if locked.state != RenewalState.NEGOTIATION:
            raise RenewalRefused(["Les engagements ne se modifient que pendant la négociation du protocole."])
        formset.instance = locked
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
