"""Writes on the renovation cases (issue #3). Typed, keyword-only; views stay thin.

A task completion takes viewflow's process lock (``select_for_update`` on the process row),
re-reads the task, calls exactly one FSM transition of the case, saves it with its history
row, then lets viewflow create the next task: all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from django_fsm import ConcurrentTransition
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from notifications.services import deadline_mark_met, deadline_sync_for_case
from reference.models import CityContract
from workflows.flows.renewal import RenewalFlow
from workflows.followup.services import follow_ups_generate
from workflows.models import Renewal, RenewalDocument, RenewalState, RenewalTransition
from workflows.models.renewal import may_review, may_validate, may_work
from workflows.uploads import upload_check

# Which transition the completion of each human task calls (review: the référent's decision).
TASK_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "evaluate": ("record_evaluation",),
    "build_protocol": ("build_protocol",),
    "validate": ("validate",),
    "review": ("approve", "return_to_prefecture"),
    "sign": ("sign",),
}
TASK_PERMISSIONS = {
    "evaluate": may_work,
    "build_protocol": may_work,
    "validate": may_validate,
    "review": may_review,
    "sign": may_work,
}

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


class RenewalRefused(Exception):
    """A transition refused by its guards or by the state; ``reasons`` are in French."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


class TaskUnavailable(Exception):
    """The task was completed, taken or moved by someone else meanwhile (message in French)."""


def _transition(
    *, renewal: Renewal, user: User | None, name: str, comment: str = "", arguments: Mapping[str, Any] | None = None
) -> None:
    """Run one transition and append its history row. The caller holds ``transaction.atomic``."""
    # History is appended under a row lock: the state read here is the committed one, and a
    # state changed since the case was read is refused (django-fsm-2's optimistic locking).
    current = Renewal.objects.select_for_update().filter(pk=renewal.pk).values_list("state", flat=True).get()
    if current != renewal.state:
        raise ConcurrentTransition("Le dossier a changé d'étape depuis son ouverture.")
    method = getattr(renewal, name)
    meta = method._django_fsm
    found = meta.get_transition(renewal.state)
    if user is not None and found is not None and not found.has_perm(renewal, user):
        raise PermissionDenied("Vous n'avez pas le droit de faire cette action sur ce dossier.")
    reasons = renewal.refusals(name)
    if reasons:
        raise RenewalRefused(reasons)
    source = renewal.state
    method(**(arguments or {}))
    renewal.save()
    RenewalTransition.objects.create(
        renewal=renewal, actor=user, name=name, source=source, target=renewal.state, comment=comment
    )
    _deadline_follow(renewal=renewal, transition=name)


# The campaign's per-contract deadline (notifications migration 0002): signature by 31 July 2019.
RENEWAL_DEADLINE_CODE = "city-contract-renewal"


def _deadline_follow(*, renewal: Renewal, transition: str) -> None:
    """Keep the case's deadline in step with the case (issue #4): created at launch, met at
    signature, so reminders go out while it is open and stop once it is signed."""
    if transition == "launch":
        contract = renewal.city_contract
        deadline_sync_for_case(
            case=renewal,
            definition_code=RENEWAL_DEADLINE_CODE,
            department=renewal.department,
            title=f"Rénovation du contrat de ville {contract.code} – {contract.name}",
            link_path=reverse("workflows:renewal_detail", args=[renewal.pk]),
        )
    elif transition == "sign":
        deadline_mark_met(case=renewal, definition_code=RENEWAL_DEADLINE_CODE)
        # Issue #6: each commitment of the signed protocol gets its follow-ups (and their deadlines).
        follow_ups_generate(renewal=renewal)


def renewal_launch(*, city_contract: CityContract, user: User | None, bulk: bool = False) -> tuple[Renewal, bool]:
    """Create the case if needed and launch it once: idempotent (returns whether it launched)."""
    with transaction.atomic():
        renewal, _ = Renewal.objects.get_or_create(
            city_contract=city_contract, defaults={"department_id": city_contract.department_id}
        )
        renewal = Renewal.objects.select_for_update().get(pk=renewal.pk)
        if renewal.state != RenewalState.NOT_STARTED:
            return renewal, False
        _transition(renewal=renewal, user=user, name="launch", comment="Lancement national" if bulk else "")
        RenewalFlow.start.run(renewal=renewal, bulk=bulk)
        return renewal, True


def renewal_tasks() -> Any:
    """The human tasks of the renovation flow, and only those: node names are shared between
    flows (``sign``, ``validate``, ``review``), so a task of another flow whose number is put in
    a renovation task URL must not be found, let alone read as a renovation."""
    from django.contrib.contenttypes.models import ContentType

    nodes = [node for node in RenewalFlow.instance.nodes() if getattr(node, "task_type", None) == "HUMAN"]
    return Task.objects.filter(
        flow_task_type="HUMAN",
        flow_task__in=nodes,
        process__flow_class=RenewalFlow,
        process__artifact_content_type=ContentType.objects.get_for_model(Renewal),
    )


def _task_for_update(*, task_pk: int, user: User) -> Task:
    task = renewal_tasks().select_related("process", "owner").get(pk=task_pk)
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        who = f" par {task.owner}" if task.owner_id else ""
        raise TaskUnavailable(f"Cette tâche a déjà été traitée{who} : votre saisie n'a pas été enregistrée.")
    if task.owner_id not in (None, user.pk):
        raise TaskUnavailable(
            f"Cette tâche est désormais attribuée à {task.owner} : votre saisie n'a pas été enregistrée."
        )
    return task


def _renewal_of(task: Task) -> Renewal:
    return Renewal.objects.select_related("city_contract", "department").get(pk=task.process.artifact_object_id)


def task_allowed(*, user: User, task: Task, renewal: Renewal) -> bool:
    check = TASK_PERMISSIONS.get(task.flow_task.name)
    return bool(check and check(renewal, user))


def _locked(task_pk: int) -> Any:
    process_pk = renewal_tasks().values_list("process_id", flat=True).get(pk=task_pk)
    return RenewalFlow.lock(process_pk)


def _lock_failed() -> TaskUnavailable:
    return TaskUnavailable("Un autre agent est en train de traiter ce dossier : réessayez dans un instant.")


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
    """Complete a human task (claiming it first if it is still in the queue)."""
    try:
        with _locked(task_pk), transaction.atomic():
            task = _task_for_update(task_pk=task_pk, user=user)
            renewal = _renewal_of(task)
            if not task_allowed(user=user, task=task, renewal=renewal):
                raise PermissionDenied("Cette tâche ne relève pas de votre rôle ou de votre département.")
            allowed = TASK_TRANSITIONS[task.flow_task.name]
            name = transition or allowed[0]
            if name not in allowed:
                raise PermissionDenied("Cette action ne termine pas cette tâche.")
            activation = task.flow_task.activation_class(task)
            if task.status == STATUS.NEW:
                activation.assign(user)
            for field, value in (fields or {}).items():
                if field == "merged_contracts":
                    renewal.merged_contracts.set(value)
                else:
                    setattr(renewal, field, value)
            if commitments is not None:  # the protocol's commitments formset, saved on the locked case
                commitments.instance = renewal
                commitments.save()
            for kind, upload in uploads:
                renewal_document_add(renewal=renewal, user=user, kind=kind, upload=upload)
            arguments = {"comment": comment} if name == "return_to_prefecture" else {}
            _transition(renewal=renewal, user=user, name=name, comment=comment, arguments=arguments)
            activation.start(None)
            activation.execute()
            return renewal
    except FlowLockFailed as exc:
        raise _lock_failed() from exc


def renewal_task_assign(*, task_pk: int, user: User) -> None:
    """Claim a task from the queue."""
    try:
        with _locked(task_pk), transaction.atomic():
            task = _task_for_update(task_pk=task_pk, user=user)
            if task.owner_id:
                raise TaskUnavailable("Vous avez déjà pris cette tâche.")
            if not task_allowed(user=user, task=task, renewal=_renewal_of(task)):
                raise PermissionDenied("Cette tâche ne relève pas de votre rôle ou de votre département.")
            task.flow_task.activation_class(task).assign(user)
    except FlowLockFailed as exc:
        raise _lock_failed() from exc


def renewal_task_unassign(*, task_pk: int, user: User) -> None:
    """Put one's task back in the département's queue."""
    try:
        with _locked(task_pk), transaction.atomic():
            task = _task_for_update(task_pk=task_pk, user=user)
            if task.owner_id != user.pk:
                raise PermissionDenied("Seul l'agent qui a pris la tâche peut la remettre dans la file.")
            task.flow_task.activation_class(task).unassign()
    except FlowLockFailed as exc:
        raise _lock_failed() from exc


def renewal_task_reassign(*, task_pk: int, user: User, to: User) -> None:
    """Hand one's task to a colleague who may do it (same role permission and département)."""
    try:
        with _locked(task_pk), transaction.atomic():
            task = _task_for_update(task_pk=task_pk, user=user)
            if task.owner_id != user.pk:
                raise PermissionDenied("Seul l'agent qui a pris la tâche peut la confier à un collègue.")
            if not task_allowed(user=to, task=task, renewal=_renewal_of(task)):
                raise TaskUnavailable(f"{to} ne peut pas traiter cette tâche (rôle ou département).")
            task.flow_task.activation_class(task).reassign(user=to)
    except FlowLockFailed as exc:
        raise _lock_failed() from exc


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
