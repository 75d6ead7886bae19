"""The one glue between a case and its viewflow process.

- ``workflow_start`` starts the kind's flow with the case as the process artifact;
- ``tasks_follow`` (called by the runner, inside the transaction that moved the case) completes
  the human task the transition stands for, or cancels the open tasks once the case reached a
  final state by another way (a termination, an expiry);
- ``kind_tasks`` / ``task_get`` resolve a task number through its own flow only;
  ``task_may_see`` says whether a user's role may complete a task, whoever holds it (the task's
  page): the FSM permission, at the case's state, of the transitions that complete its node (so
  the rule is the transition table's); ``task_may_act`` adds that the task is his to take: in the
  queue, his own, or one of a colleague whose absence he covers (``acts_for_owner``);
- ``task_assign`` / ``task_unassign`` / ``task_reassign``: the queue's take, release, hand over.

Locks (``workflows.cases.locks``): the case row first, then the process row (the row viewflow's
``select_for_update_lock`` locks), always in that order. ``task_held`` takes them for a task
being worked on (a completion by the runner, a draft of its form): the process row with the
open human tasks in one query (``tasks_locked``), the task open and the user's
(``_open_task_check``, with the absence cover); the runner completes the task from those rows:
a completion reads its task once (benchmarks/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, QuerySet, Subquery
from django.utils import timezone

from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from config.statements import Compiled
from workflows.cases.locks import case_lock, state_check
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
    return _open_processes(kind, case.pk).first()


def _open_processes(kind: CaseKind, case_pk: Any) -> QuerySet[Process]:
    """The case's running processes of its kind's flow, the latest first."""
    return Process.objects.filter(
        flow_class=kind.flow,
        artifact_content_type=ContentType.objects.get_for_model(kind.model),
        artifact_object_id=case_pk,
        status=PROCESS.NEW,
    ).order_by("-pk")


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


def _task_rows(kind: CaseKind) -> Callable[[int], QuerySet[Task]]:
    def rows(task_pk: int) -> QuerySet[Task]:
        return kind_tasks(kind).select_related("process", "owner").filter(pk=task_pk)

    return rows


def _task_process_rows(kind: CaseKind) -> Callable[[int], QuerySet[Any]]:
    def rows(task_pk: int) -> QuerySet[Any]:
        return kind_tasks(kind).filter(pk=task_pk).values_list("process_id", flat=True)

    return rows


def _case_rows(kind: CaseKind) -> Callable[[int], QuerySet[Any]]:
    manager = kind.model._default_manager

    def rows(case_pk: int) -> QuerySet[Any]:
        return manager.filter(pk=case_pk)

    return rows


class KindReads(NamedTuple):
    task: Compiled  # the task with its process and owner
    process_id: Compiled  # the task's process number
    case: Compiled  # the case by id


def kind_statements(kind: CaseKind) -> KindReads:
    """The task reads of every task page, take, release and hand-over, compiled once per kind
    (``config.statements``): the task with its process and owner, the task's process number,
    the case by id. Building ``kind_tasks`` (its flow's nodes, the content type) and compiling it
    was most of a take's work (benchmarks/RESULTS.md)."""
    return KindReads(
        kind.statement("task", _task_rows, int),
        kind.statement("task's process", _task_process_rows, int),
        kind.statement("case", _case_rows, int),
    )


def kind_task(kind: CaseKind, task_pk: int) -> Task:
    """The human task ``task_pk`` of ``kind``'s flow, with its process and owner
    (``Task.DoesNotExist`` for a task of another flow, or none)."""
    task: Task | None = kind_statements(kind).task.first(task_pk)
    if task is None:
        raise Task.DoesNotExist(f"No task {task_pk} of {kind.code}")
    return task


def task_get(kind: CaseKind, task_pk: int) -> tuple[Task, Model]:
    """The task of ``kind`` and its case (``Task.DoesNotExist`` for a task of another kind)."""
    task = kind_task(kind, task_pk)
    case = kind_statements(kind).case.first(task.process.artifact_object_id)
    if case is None:
        raise kind.model.DoesNotExist(f"No {kind.code} {task.process.artifact_object_id}")  # type: ignore[attr-defined]
    return task, case


def acts_for_owner(*, user: Any, owner_id: int | None) -> bool:
    """A task taken by someone is his: ``user`` may act on it if it is in the queue, his own, or
    its owner's absence is covered by him today (``accounts.covers``, read on the campaign's
    clock: the cover ends with its last day)."""
    if owner_id is None or user is None or owner_id == user.pk:
        return True
    # accounts and notifications are below the kernel: imported here only, as in the runner.
    from accounts.covers import covers
    from notifications.campaign import campaign_today

    return covers(user=user, owner_id=owner_id, today=campaign_today())


def task_may_act(*, user: Any, task: Task, case: Model) -> bool:
    """``user`` may take or complete ``task``: it is in the queue, his, or its owner's whom he
    covers (``acts_for_owner``), and one of the transitions completing its node is available
    from the case's state and permitted to ``user`` (django-fsm-2 ``has_perm``, which goes
    through guardian)."""
    return acts_for_owner(user=user, owner_id=task.owner_id) and task_may_see(user=user, task=task, case=case)


def task_may_see(*, user: Any, task: Task, case: Model) -> bool:
    """``user``'s role may complete ``task`` (the transition table's rule alone), whoever holds
    it: the task's page is his to see (a former owner's form, the task handed over meanwhile,
    then meets the open-task check's French message and keeps what was typed instead of a 403),
    a draft of its form his to save, a hand-over his to receive. Acting on it also needs the
    task to be his to take (``task_may_act``)."""
    kind = kind_of(case)
    node = task.flow_task.name
    for spec in kind.table.completing(node):
        method = getattr(case, spec.name, None)
        meta = getattr(method, "_django_fsm", None)
        if meta is None:
            continue
        step = meta.get_transition(getattr(case, "state"))  # noqa: B009
        # The case moved on meanwhile (a colleague completed the task a moment ago): the role is
        # read on the transition as declared, so that the page answers with the open-task check's
        # French message and what was typed, not a 403.
        steps = [step] if step is not None else list(meta.transitions.values())
        if any(candidate.has_perm(case, user) for candidate in steps):
            return True
    return False


def _open_task_check(task: Task, user: Any) -> None:
    if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        who = f" par {task.owner}" if task.owner_id else ""
        raise TaskUnavailable(f"Cette tâche a déjà été traitée{who} : votre saisie n'a pas été enregistrée.")
    if user is not None and not acts_for_owner(user=user, owner_id=task.owner_id):
        raise TaskUnavailable(
            f"Cette tâche est désormais attribuée à {task.owner} : votre saisie n'a pas été enregistrée."
        )


TASK_DENIED = "Cette tâche ne relève pas de votre rôle ou de votre département."


@dataclass
class Held:
    """The case's open process, its row locked for the transaction, and its open human tasks
    (their owners read with them): what the runner's transition may complete or cancel."""

    process: Process | None
    tasks: list[Task] = field(default_factory=list)

    def chosen(self, task_pk: int, user: Any) -> Task:
        """The open task ``task_pk`` the user is completing (``TaskUnavailable`` in French when it
        was completed or taken by someone else since his page was opened)."""
        found = next((task for task in self.tasks if task.pk == task_pk), None)
        if found is None:
            closed = Task.objects.select_related("owner").filter(pk=task_pk).first()
            if closed is not None:
                _open_task_check(closed, user)  # raises: it is closed
            raise TaskUnavailable("Cette tâche n'est plus ouverte : votre saisie n'a pas été enregistrée.")
        _open_task_check(found, user)
        return found


def tasks_locked(*, case: Model, kind: CaseKind) -> Held:
    """Lock the case's open process row (``FOR UPDATE``, blocking: the case row is already
    locked, so only a take or a release of one of its tasks can hold it, briefly) and read its
    open human tasks, with the process and their owners, in one query."""
    if kind.flow is None:
        return Held(None)
    rows = list(
        Task.objects.filter(
            process__flow_class=kind.flow,
            process__artifact_content_type=ContentType.objects.get_for_model(kind.model),
            process__artifact_object_id=case.pk,
            process__status=PROCESS.NEW,
            status__in=OPEN,
            flow_task_type="HUMAN",
        )
        .select_related("process", "owner")
        .select_for_update(of=("process",))
        .order_by("-process_id", "pk")
    )
    if not rows:  # no open human task: lock the process row alone (a termination, an expiry)
        return Held(_open_processes(kind, case.pk).select_for_update().first())
    process = rows[0].process
    held = [task for task in rows if task.process_id == process.pk]
    for task in held:
        task.process = process  # one instance: the gateways read the case from it
    return Held(process, held)


@dataclass
class TaskHold:
    """A task being worked on, held for the transaction: its case (row locked, fresh), the
    process row locked with the case's open human tasks, and the task itself, open and the
    user's to work on (in the queue, his, or a colleague's whose absence he covers)."""

    case: Any
    held: Held
    task: Task | None = None  # None: a transition of the case that completes no chosen task


@contextmanager
def task_held(kind: CaseKind, task_pk: int, user: Any, seen_state: str | None = None) -> Iterator[TaskHold]:
    """A transaction holding the task ``task_pk`` of ``kind`` for ``user``: the locks in their
    order (the case row, found from the task number, then the process row with its open tasks,
    ``tasks_locked``), the optimistic check (``seen_state``: the state the user's page showed),
    and the open-task check with the absence cover (``Held.chosen``). What a completion
    (``workflows.cases.runner.task_complete``) and a draft of the task's form both take.

    ``Task.DoesNotExist`` for a task of another kind; ``ConcurrentTransition`` or
    ``TaskUnavailable`` (in French) when the case or the task moved since the page was opened."""
    model = kind.model
    with transaction.atomic():
        case = case_lock(
            model, pk=Subquery(kind_tasks(kind).filter(pk=task_pk).values("process__artifact_object_id")[:1])
        )
        if case is None:
            raise Task.DoesNotExist(f"No task {task_pk} of {kind.code}")
        state_check(case, seen_state)
        held = tasks_locked(case=case, kind=kind)
        yield TaskHold(case, held, held.chosen(task_pk, user))


def _lock_failed() -> TaskUnavailable:
    return TaskUnavailable("Un autre agent est en train de traiter ce dossier : réessayez dans un instant.")


def _complete(task: Task, user: Any) -> None:
    """Take (if still in the queue) and complete ``task``: its row is written once, done."""
    if task.status == STATUS.NEW:  # viewflow's ``assign`` would save the row once more
        if user is not None:
            task.owner = user
        task.status = STATUS.ASSIGNED
    elif user is not None and task.owner_id != user.pk:  # the colleague covering the owner's absence
        task.owner = user  # « Traités par moi » is his who did it
    activation = task.flow_task.activation_class(task)
    if task.status == STATUS.ASSIGNED:
        activation.start(None)
    activation.execute()


def tasks_follow(*, case: Model, transition: Transition, user: Any, held: Held, chosen: Task | None = None) -> None:
    """The viewflow side of ``transition``, just applied to ``case`` (saved, row locked), on the
    tasks ``held`` under the process lock: complete ``chosen`` (the task the user is completing),
    else the open task of the node the transition completes; cancel the others once the case
    reached a final state."""
    kind = kind_of(case)
    process = held.process
    if process is None:  # a case created before its flow existed, or bulk data
        if chosen is not None:
            raise TaskUnavailable("Cette tâche n'est plus ouverte : votre saisie n'a pas été enregistrée.")
        return
    process.artifact = case  # the gateways' conditions read the case: the locked, saved copy
    final = getattr(case, "state") in kind.final_states  # noqa: B009
    if chosen is not None and chosen.flow_task.name != transition.completes:
        raise PermissionDenied("Cette action ne termine pas cette tâche.")
    for task in held.tasks:
        if (chosen is not None and task.pk == chosen.pk) or (
            chosen is None and transition.completes and task.flow_task.name == transition.completes
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


# --- The queue: take, release, hand over -----------------------------------------------------------


def _locked_task(kind: CaseKind, task_pk: int, user: Any) -> tuple[Task, Model]:
    task, case = task_get(kind, task_pk)
    task = Task.objects.select_for_update(of=("self",)).select_related("process", "owner").get(pk=task.pk)
    _open_task_check(task, user)
    return task, case


def _with_process_lock(kind: CaseKind, task_pk: int) -> Any:
    # The row lock that follows (``_locked_task``) is built at each call: Django checks that a
    # ``select_for_update`` runs inside a transaction while compiling it.
    process_pk = kind_statements(kind).process_id.first(task_pk)
    if process_pk is None:
        raise Task.DoesNotExist(f"No task {task_pk} of {kind.code}")
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
            if task.owner_id is None or not acts_for_owner(user=user, owner_id=task.owner_id):
                raise PermissionDenied("Seul l'agent qui a pris la tâche peut la remettre dans la file.")
            task.flow_task.activation_class(task).unassign()
    except FlowLockFailed as exc:
        raise _lock_failed() from exc


def task_reassign(*, kind: CaseKind, task_pk: int, user: Any, to: Any) -> None:
    """Hand one's task to a colleague who may do it (same role permission and département)."""
    try:
        with _with_process_lock(kind, task_pk), transaction.atomic():
            task, case = _locked_task(kind, task_pk, user)
            if task.owner_id is None or not acts_for_owner(user=user, owner_id=task.owner_id):
                raise PermissionDenied("Seul l'agent qui a pris la tâche peut la confier à un collègue.")
            if not task_may_see(user=to, task=task, case=case):
                raise TaskUnavailable(f"{to} ne peut pas traiter cette tâche (rôle ou département).")
            task.flow_task.activation_class(task).reassign(user=to)
    except FlowLockFailed as exc:
        raise _lock_failed() from exc
