"""Reads on cases and tasks: the task inbox and queue, the CGET review queue, the renovations.

viewflow's ``user_queue`` matches object permissions against guardian's *generic* tables; our
grants live in direct-foreign-key tables, so every task list is additionally scoped here through
the case's département (``accounts.selectors.scoped``). Indexes for a million tasks are in
migration ``workflows/0002_task_indexes`` (inbox: owner/created partial on ASSIGNED; queue:
type/permission/created partial on NEW; history: process/finished), measured in benchmarks/.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from accounts.selectors import scoped, sees_all_departments
from reference.models import CityContract, Department
from workflows.models import SIGNATURE_DEADLINE, Renewal, RenewalTransition, Synthesis
from workflows.registry import CASE_MODELS, FLOW_CLASSES


def today() -> datetime.date:
    return timezone.localdate()


def _human_nodes(flow_class: type[Any]) -> list[Any]:
    return [node for node in flow_class.instance.nodes() if getattr(node, "task_type", None) == "HUMAN"]


def _case_tasks(user: User | AnonymousUser, *, status: str) -> QuerySet[Task]:
    """Human tasks of the flows the user may see, in the user's départements.

    For case flows the filter is index-friendly (issue #3, 1M tasks): the flow's node
    references instead of a join on the process, the role permissions instead of viewflow's
    OR on generic object grants, and ``process_id IN (processes of the cases in scope)`` for
    prefecture users. Flows without a case (test flows) keep viewflow's own rules.
    """
    from viewflow.workflow.models import Process

    available = [flow for flow in FLOW_CLASSES if flow.instance.has_view_permission(user)]
    national = sees_all_departments(user)
    permissions = sorted(user.get_all_permissions())
    condition = Q(pk__in=[])
    other_flows = [flow for flow in available if flow not in CASE_MODELS]
    if other_flows:
        # Flows without a case model keep viewflow's own rules. Their task ids are read first,
        # in one query, and given as values: OR-ed as sub-queries they made PostgreSQL scan
        # ``viewflow_process`` and hash-join the process and user tables (benchmarks/RESULTS.md,
        # issue 7: département queue).
        own = Task.objects.queue(other_flows, user) if status == STATUS.NEW else Task.objects.inbox(other_flows, user)
        condition |= Q(pk__in=list(own.filter(status=status).values_list("pk", flat=True)))
    for flow_class in available:
        case_model = CASE_MODELS.get(flow_class)
        if case_model is None:
            continue
        flow_condition = Q(flow_task_type="HUMAN", flow_task__in=_human_nodes(flow_class))
        if status == STATUS.NEW:
            flow_condition &= Q(owner_permission__in=permissions)
        if not national:
            # The case ids in scope are read first (one small query): given as values, the
            # planner walks case → process → open tasks instead of scanning the queue.
            cases = list(scoped(case_model.objects.all(), user).values_list("pk", flat=True))
            processes = Process.objects.filter(
                flow_class=flow_class,
                artifact_content_type=ContentType.objects.get_for_model(case_model),
                artifact_object_id__in=cases,
            )
            flow_condition &= Q(process_id__in=processes.values("pk"))
        condition |= flow_condition
    tasks = Task.objects.filter(condition, status=status)
    if status == STATUS.ASSIGNED:
        tasks = tasks.filter(owner=user)
    return tasks


def _with_cases(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related("process", "owner").prefetch_related(
        GenericPrefetch(
            "process__artifact",
            [
                Renewal.objects.select_related("city_contract", "department"),
                Synthesis.objects.select_related("department"),
            ],
        )
    )


def _filtered(
    tasks: QuerySet[Task], *, department: str | None = None, step: str | None = None, late: bool | None = None
) -> QuerySet[Task]:
    if department:
        from viewflow.workflow.models import Process

        # Each case kind's processes, matched on the artifact's content type too: a synthesis
        # and a renovation may share an id.
        in_department = Q(pk__in=[])
        for case_model in set(CASE_MODELS.values()):
            in_department |= Q(
                artifact_content_type=ContentType.objects.get_for_model(case_model),
                artifact_object_id__in=case_model.objects.filter(department__code=department).values("pk"),
            )
        tasks = tasks.filter(process_id__in=Process.objects.filter(in_department).values("pk"))
    if step:
        from workflows.flows.renewal import RenewalFlow

        node = getattr(RenewalFlow, step) if step in dict(STEP_CHOICES) else None
        tasks = tasks.filter(flow_task=node) if node is not None else tasks.none()
    if late is not None:
        # Every open renovation is late once the deadline has passed (issue #3: end of July 2019).
        is_late = today() > SIGNATURE_DEADLINE
        if late != is_late:
            tasks = tasks.none()
    return tasks


def task_inbox(
    *, user: User | AnonymousUser, department: str | None = None, step: str | None = None, late: bool | None = None
) -> QuerySet[Task]:
    """Tasks assigned to the user."""
    if not FLOW_CLASSES or not user.is_authenticated:
        return Task.objects.none()
    tasks = _case_tasks(user, status=STATUS.ASSIGNED)
    return _with_cases(_filtered(tasks, department=department, step=step, late=late)).order_by("-created")


def task_queue(
    *, user: User | AnonymousUser, department: str | None = None, step: str | None = None, late: bool | None = None
) -> QuerySet[Task]:
    """Unassigned tasks the user may take: role permission (viewflow) and département (ours)."""
    if not FLOW_CLASSES or not user.is_authenticated:
        return Task.objects.none()
    tasks = _case_tasks(user, status=STATUS.NEW)
    # A département's queue is small: sorting it beats walking viewflow's global ``created``
    # index, which PostgreSQL otherwise prefers (benchmarks/RESULTS.md). NULLS FIRST (never
    # null here) is an order that index cannot serve; national queues keep the index order.
    order = F("created").asc() if sees_all_departments(user) else F("created").asc(nulls_first=True)
    queue = _with_cases(_filtered(tasks, department=department, step=step, late=late))
    # NEW tasks have no owner: joining the user table for it made PostgreSQL hash the whole
    # table at 1,000,000 tasks (issue #7 load test, benchmarks/RESULTS.md).
    return queue.select_related(None).select_related("process").order_by(order)


def cget_review_queue(*, user: User | AnonymousUser) -> QuerySet[Task]:
    """Every renovation waiting for the CGET, all départements (national reach only)."""
    from workflows.flows.renewal import RenewalFlow

    if not user.is_authenticated or not user.has_perm("workflows.review_renewal"):
        return Task.objects.none()
    # The node reference says the flow: no join on the process (index quartiers_task_open_by_node).
    tasks = Task.objects.filter(flow_task=RenewalFlow.review, status__in=[STATUS.NEW, STATUS.ASSIGNED])
    return _with_cases(tasks).order_by("created")


def renewal_list(*, user: User | AnonymousUser) -> QuerySet[Renewal]:
    return scoped(Renewal.objects.select_related("city_contract", "department"), user)


def renewal_get(*, user: User | AnonymousUser, pk: int) -> Renewal:
    """The case, or 404 outside the user's département scope (its existence is not disclosed)."""
    return get_object_or_404(renewal_list(user=user), pk=pk)


def renewal_open_tasks(*, renewal: Renewal) -> QuerySet[Task]:
    from workflows.flows.renewal import RenewalFlow

    return (
        Task.objects.filter(
            process__flow_class=RenewalFlow,
            process__artifact_object_id=renewal.pk,
            flow_task_type="HUMAN",
            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        )
        .select_related("process", "owner")
        .order_by("created")
    )


def renewal_timeline(*, renewal: Renewal) -> QuerySet[RenewalTransition]:
    return renewal.transitions.select_related("actor").order_by("at", "pk")


def department_renewals(*, user: User | AnonymousUser, department: Department) -> QuerySet[CityContract]:
    """The contracts of a département with their renovation (if any), for its table."""
    return (
        scoped(CityContract.objects.all(), user)
        .filter(department=department)
        .select_related("renewal")
        .order_by("code")
    )


STEP_CHOICES = [
    ("evaluate", "Évaluation à mi-parcours"),
    ("build_protocol", "Protocole d'engagements"),
    ("validate", "Validation préfectorale"),
    ("review", "Revue du CGET"),
    ("sign", "Signature"),
]
