"""The one glue between a case and its viewflow process.

- ``workflow_start`` starts the kind's flow with the case as the process artifact;
- ``tasks_follow`` (called by the runner, inside the transaction that moved the case) completes
  the human task the transition stands for, or cancels the open tasks once the case reached a
  final state by another way (a termination, an expiry);
- ``kind_tasks`` / ``task_get`` resolve a task number through its own flow only, and
  ``task_may_act`` says whether a user may take or complete it: the FSM permission, at the case's
  state, of the transitions that complete its node (so the rule is the transition table's);
- ``task_assign`` / ``task_unassign`` / ``task_reassign``: the queue's take, release, hand over.

Locks: the case row first (the runner), then the process row (viewflow's
``select_for_update_lock``), always in that order.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from workflows.cases.registry import CaseKind, kind_of
from workflows.cases.transitions import Transition

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


class TaskUnavailable(Exception):
    """The task was completed, taken or moved by someone else meanwhile (message in French)."""


def human_nodes(flow_class: Any) -> list[Any]:
    return [node for node in flow_class.instance.nodes() if getattr(node, "task_type", None) == "HUMAN"]


def workflow_start(*, case: Model, **kwargs: Any) -> Process:
    kind = kind_of(case)
    assert kind.flow is not None, f"{kind.code} has no flow"
    process: Process = kind.flow.start.run(case=case, **kwargs)
    return process


def process_of(case: Model) -> Process | None:
    kind = kind_of(case)
    if kind.flow is None:
        return None
    return (
        Process.objects.filter(
            flow_class=kind.flow,
            artifact_content_type=ContentType.objects.get_for_model(kind.model),
            artifact_object_id=case.pk,
            status=PROCESS.NEW,
        )
        .order_by("-pk")
        .first()
    )


def kind_tasks(kind: CaseKind) -> QuerySet[Task]:
    """The human tasks of ``kind``'s flow, and only those: node names are shared between flows
    (``sign``, ``validate``, ``review``), so a task of another flow is not found here."""
    assert kind.flow is not None
    return Task.objects.filter(
        flow_task_type="HUMAN",
        flow_task__in=human_nodes(kind.flow),
        process__flow_class=kind.flow,
        process__artifact_content_type=ContentType.objects.get_for_model(kind.model),
    )


def task_get(kind: CaseKind, task_pk: int) -> tuple[Task, Model]:
    """The task of ``kind`` and its case (``Task.DoesNotExist`` for a task of another kind)."""
    task = kind_tasks(kind).select_related("process", "owner").get(pk=task_pk)
    case = kind.model._default_manager.get(pk=task.process.artifact_object_id)
    return task, case


def task_may_act(*, user: Any, task: Task, case: Model) -> bool:
    """``user`` may take or complete ``task``: one of the transitions completing its node is
    available from the case's state and permitted to ``user`` (django-fsm-2 ``has_perm``, which
    goes through guardian)."""
    kind = kind_of(case)
    node = task.flow_task.name
    for spec in kind.table.completing(node):
        method = getattr(case, spec.name, None)
        meta = getattr(method, "_django_fsm", None)
        step = meta.get_transition(getattr(case, "state")) if meta else None  # noqa: B009
        if step is not None and step.has_perm(case, user):
            return True
    return False


def _open_task_check(task: Task, user: Any) -> None:
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        who = f" par {task.owner}" if task.owner_id else ""
        raise TaskUnavailable(f"Cette tâche a déjà été traitée{who} : votre saisie n'a pas été enregistrée.")
    if user is not None and task.owner_id not in (None, user.pk):
        raise TaskUnavailable(
            f"Cette tâche est désormais attribuée à {task.owner} : votre saisie n'a pas été enregistrée."
        )


def task_check_open(*, task_pk: int, user: Any) -> None:
    """The task a user is completing is still open and not someone else's (French otherwise)."""
    _open_task_check(Task.objects.select_related("owner").get(pk=task_pk), user)


def _lock_failed() -> TaskUnavailable:
    return TaskUnavailable("Un autre agent est en train de traiter ce dossier : réessayez dans un instant.")


def _complete(task: Task, user: Any) -> None:
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.NEW:
        if user is not None:
            activation.assign(user)
        else:
            task.status = STATUS.ASSIGNED
            task.save()
    if task.status == STATUS.ASSIGNED:
        activation.start(None)
    activation.execute()


def tasks_follow(*, case: Model, transition: Transition, user: Any, task_pk: int | None = None) -> None:
    """The viewflow side of ``transition``, just applied to ``case`` (saved, row locked)."""
    kind = kind_of(case)
    process = process_of(case)
    if process is None:  # a case created before its flow existed, or bulk data
        if task_pk is not None:
            raise TaskUnavailable("Cette tâche n'est plus ouverte : votre saisie n'a pas été enregistrée.")
        return
    final = getattr(case, "state") in kind.final_states  # noqa: B009
    try:
        with kind.flow.lock(process.pk):
            tasks = list(
                Task.objects.filter(process=process, status__in=OPEN, flow_task_type="HUMAN")
                .select_related("owner")
                .order_by("pk")
            )
            if task_pk is not None:
                chosen = next((task for task in tasks if task.pk == task_pk), None)
                if chosen is None:
                    chosen = Task.objects.select_related("owner").get(pk=task_pk)
                    _open_task_check(chosen, user)  # raises: it is closed
                    raise TaskUnavailable("Cette tâche n'est plus ouverte : votre saisie n'a pas été enregistrée.")
                _open_task_check(chosen, user)
                if chosen.flow_task.name != transition.completes:
                    raise PermissionDenied("Cette action ne termine pas cette tâche.")
            for task in tasks:
                if (task_pk is not None and task.pk == task_pk) or (
                    task_pk is None and transition.completes and task.flow_task.name == transition.completes
                ):
                    _complete(task, user)
                elif final:
                    task.flow_task.activation_class(task).cancel()
            if final:
                process.refresh_from_db()
                if process.status == PROCESS.NEW and not Task.objects.filter(process=process, status__in=OPEN).exists():
                    process.status = PROCESS.CANCELED
                    process.finished = timezone.now()
                    process.save()
    except FlowLockFailed as exc:
        raise _lock_failed() from exc


# --- The queue: take, release, hand over -----------------------------------------------------------


def _locked_task(kind: CaseKind, task_pk: int, user: Any) -> tuple[Task, Model]:
    task, case = task_get(kind, task_pk)
    task = Task.objects.select_for_update(of=("self",)).select_related("process", "owner").get(pk=task.pk)
    _open_task_check(task, user)
    return task, case


def _with_process_lock(kind: CaseKind, task_pk: int) -> Any:
    process_pk = kind_tasks(kind).values_list("process_id", flat=True).get(pk=task_pk)
    return kind.flow.lock(process_pk)


def task_assign(*, kind: CaseKind, task_pk: int, user: Any) -> None:
    """Take a task from the queue."""
    try:
        with _with_process_lock(kind, task_pk), transaction.atomic():
            task, case = _locked_task(kind, task_pk, user)
            if task.owner_id:
                raise TaskUnavailable("Vous avez déjà pris cette tâche.")
            if not task_may_act(user=user, task=task, case=case):
                raise PermissionDenied("Cette tâche ne relève pas de votre rôle ou de votre département.")
            task.flow_task.activation_class(task).assign(user)
    except FlowLockFailed as exc:
        raise _lock_failed() from exc


def task_unassign(*, kind: CaseKind, task_pk: int, user: Any) -> None:
    """Put one's task back in the département's queue."""
    try:
        with _with_process_lock(kind, task_pk), transaction.atomic():
            task, _case = _locked_task(kind, task_pk, user)
            if task.owner_id != user.pk:
                raise PermissionDenied("Seul l'agent qui a pris la tâche peut la remettre dans la file.")
            task.flow_task.activation_class(task).unassign()
    except FlowLockFailed as exc:
        raise _lock_failed() from exc


def task_reassign(*, kind: CaseKind, task_pk: int, user: Any, to: Any) -> None:
    """Hand one's task to a colleague who may do it (same role permission and département)."""
    try:
        with _with_process_lock(kind, task_pk), transaction.atomic():
            task, case = _locked_task(kind, task_pk, user)
            if task.owner_id != user.pk:
                raise PermissionDenied("Seul l'agent qui a pris la tâche peut la confier à un collègue.")
            if not task_may_act(user=to, task=task, case=case):
                raise TaskUnavailable(f"{to} ne peut pas traiter cette tâche (rôle ou département).")
            task.flow_task.activation_class(task).reassign(user=to)
    except FlowLockFailed as exc:
        raise _lock_failed() from exc
