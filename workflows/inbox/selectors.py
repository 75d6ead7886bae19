"""The one inbox of every case kind: Mes tâches, the département's queue, the CGET review queue.

Every flow registered with the case kernel (``workflows.cases.registry``) is listed, scoped the
same way: the node references of the kind's flow (no join on the process), the role permission
the task carries (``owner_permission``, for the queue) and ``process_id IN`` the processes of the
cases of the user's départements (``accounts.selectors.scoped`` on the case model). viewflow's own
``user_queue`` matches guardian's *generic* grant tables; ours are direct-foreign-key tables, so
it could not see them. Indexes for a million tasks: migration ``workflows/0002_task_indexes``
(inbox: owner/created partial on ASSIGNED; queue: type/permission/created partial on NEW;
history: process/finished), measured in ``benchmarks/renewal.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import F, Q, QuerySet

from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from accounts.selectors import scoped, sees_all_departments
from workflows.cases.registry import CaseKind, kind_for_code, kind_for_flow, kinds
from workflows.cases.tasks import human_nodes

AnyUser = User | AnonymousUser


def _flow_kinds() -> list[CaseKind]:
    return [kind for kind in kinds() if kind.flow is not None]


def _case_tasks(user: AnyUser, *, statuses: list[str], permissions: list[str] | None = None) -> QuerySet[Task]:
    """Open human tasks of every case kind in the user's départements; for tasks still in a
    queue (NEW), only those whose role permission the user holds."""
    national = sees_all_departments(user)
    held = sorted(user.get_all_permissions()) if permissions is None else permissions
    condition = Q(pk__in=[])
    for kind in _flow_kinds():
        flow_condition = Q(flow_task_type="HUMAN", flow_task__in=human_nodes(kind.flow))
        if STATUS.NEW in statuses:
            flow_condition &= Q(owner_permission__in=held)
        if not national:
            # The case ids in scope are read first (one small query): given as values, the
            # planner walks case → process → open tasks instead of scanning the queue.
            cases = list(
                scoped(kind.model._default_manager.all(), user, department_field=kind.department_field).values_list(
                    "pk", flat=True
                )
            )
            processes = Process.objects.filter(
                flow_class=kind.flow,
                artifact_content_type=ContentType.objects.get_for_model(kind.model),
                artifact_object_id__in=cases,
            )
            flow_condition &= Q(process_id__in=processes.values("pk"))
        condition |= flow_condition
    tasks = Task.objects.filter(condition, status__in=statuses)
    if statuses == [STATUS.ASSIGNED]:
        tasks = tasks.filter(owner=user)
    return tasks


def _with_cases(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Each task with its process and its case (one query per case kind)."""
    return tasks.select_related("process", "owner").prefetch_related(
        GenericPrefetch(
            "process__artifact",
            [kind.model._default_manager.select_related(*kind.list_related) for kind in _flow_kinds()],
        )
    )


def _filtered(tasks: QuerySet[Task], *, department: str | None = None, kind: str | None = None) -> QuerySet[Task]:
    if kind:
        found = kind_for_code(kind)
        if found is None or found.flow is None:
            return tasks.none()
        tasks = tasks.filter(flow_task__in=human_nodes(found.flow))
    if department:
        # Each case kind's processes, matched on the artifact's content type too: a synthesis
        # and a renovation may share an id.
        in_department = Q(pk__in=[])
        for case_kind in _flow_kinds():
            in_department |= Q(
                artifact_content_type=ContentType.objects.get_for_model(case_kind.model),
                artifact_object_id__in=case_kind.model._default_manager.filter(
                    **{f"{case_kind.department_field}__code": department}
                ).values("pk"),
            )
        tasks = tasks.filter(process_id__in=Process.objects.filter(in_department).values("pk"))
    return tasks


def task_inbox(*, user: AnyUser, department: str | None = None, kind: str | None = None) -> QuerySet[Task]:
    """Tasks assigned to the user, of every case kind."""
    if not user.is_authenticated:
        return Task.objects.none()
    tasks = _case_tasks(user, statuses=[STATUS.ASSIGNED])
    return _with_cases(_filtered(tasks, department=department, kind=kind)).order_by("-created")


def task_queue(*, user: AnyUser, department: str | None = None, kind: str | None = None) -> QuerySet[Task]:
    """Unassigned tasks the user may take, of every case kind: role permission and département."""
    if not user.is_authenticated:
        return Task.objects.none()
    tasks = _case_tasks(user, statuses=[STATUS.NEW])
    # A département's queue is small: sorting it beats walking viewflow's global ``created``
    # index, which PostgreSQL otherwise prefers (benchmarks/RESULTS.md). NULLS FIRST (never
    # null here) is an order that index cannot serve; national queues keep the index order.
    order = F("created").asc() if sees_all_departments(user) else F("created").asc(nulls_first=True)
    queue = _with_cases(_filtered(tasks, department=department, kind=kind))
    # NEW tasks have no owner: joining the user table for it made PostgreSQL hash the whole
    # table at 1,000,000 tasks (benchmarks/RESULTS.md).
    return queue.select_related(None).select_related("process").order_by(order)


def review_permissions(user: AnyUser) -> list[str]:
    """The CGET's review rights the user holds (``workflows.review_renewal``, ``review_paqte``…)."""
    return sorted(perm for perm in user.get_all_permissions() if perm.partition(".")[2].startswith("review_"))


def cget_review_queue(*, user: AnyUser, department: str | None = None, kind: str | None = None) -> QuerySet[Task]:
    """Every submission waiting for the CGET, of every case kind and département, taken or not."""
    permissions = review_permissions(user) if user.is_authenticated else []
    if not permissions:
        return Task.objects.none()
    tasks = _case_tasks(user, statuses=[STATUS.NEW, STATUS.ASSIGNED], permissions=permissions).filter(
        owner_permission__in=permissions
    )
    return _with_cases(_filtered(tasks, department=department, kind=kind)).order_by("created")


@dataclass
class TaskRow:
    """A task as the inbox shows it: what to do, on which case, of which kind, where."""

    task: Task
    kind: CaseKind | None
    case: Any

    @property
    def kind_label(self) -> str:
        return self.kind.label if self.kind else ""

    @property
    def case_title(self) -> str:
        if self.kind is None or self.case is None:
            return str(self.task.process)
        return self.kind.title(self.case)

    @property
    def url(self) -> str:
        if self.kind is None or self.case is None:
            return ""
        return self.kind.task_url(self.task, self.case) or self.kind.url(self.case)

    @property
    def department(self) -> Any:
        return getattr(self.case, "department", None) if self.case is not None else None


def task_rows(tasks: Any) -> list[TaskRow]:
    return [
        TaskRow(task=task, kind=kind_for_flow(task.process.flow_class), case=task.process.artifact) for task in tasks
    ]
