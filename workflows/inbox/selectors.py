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


def _scoped_case_ids(user: AnyUser, kind: CaseKind) -> list[Any]:
    """The ids of the cases of ``kind`` in the user's départements, read once per request: the
    tabs, their counts and the navigation's counts share them (cached on the request's user)."""
    cache: dict[str, list[Any]] = user.__dict__.setdefault("_inbox_case_ids", {})
    if kind.code not in cache:
        cache[kind.code] = list(
            scoped(kind.model._default_manager.all(), user, department_field=kind.department_field).values_list(
                "pk", flat=True
            )
        )
    return cache[kind.code]


def _held_permissions(user: AnyUser) -> list[str]:
    cached: list[str] | None = user.__dict__.get("_inbox_permissions")
    if cached is None:
        cached = sorted(user.get_all_permissions())
        user.__dict__["_inbox_permissions"] = cached
    return cached


def _case_tasks(
    user: AnyUser,
    *,
    statuses: list[str],
    permissions: list[str] | None = None,
    any_role: bool = False,
    owner: AnyUser | None = None,
) -> QuerySet[Task]:
    """Human tasks of every case kind in the user's départements; for tasks still in a queue
    (NEW), only those whose role permission the user holds (unless ``any_role``: the "Tous"
    tab shows every open task of his cases, whoever may take it)."""
    national = sees_all_departments(user)
    held = _held_permissions(user) if permissions is None else permissions
    condition = Q(pk__in=[])
    for kind in _flow_kinds():
        flow_condition = Q(flow_task_type="HUMAN", flow_task__in=human_nodes(kind.flow))
        if STATUS.NEW in statuses and not any_role:
            flow_condition &= Q(owner_permission__in=held)
        if not national:
            # The case ids in scope are read first (one small query): given as values, the
            # planner walks case → process → open tasks instead of scanning the queue.
            processes = Process.objects.filter(
                flow_class=kind.flow,
                artifact_content_type=ContentType.objects.get_for_model(kind.model),
                artifact_object_id__in=_scoped_case_ids(user, kind),
            )
            flow_condition &= Q(process_id__in=processes.values("pk"))
        condition |= flow_condition
    tasks = Task.objects.filter(condition, status__in=statuses)
    if owner is not None:
        tasks = tasks.filter(owner=owner)
    elif statuses == [STATUS.ASSIGNED]:
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


# --- The tabs of the inbox, their filters, sort and counts ---------------------------------------
# Like démarches-simplifiées' instructeur tabs (``procedures_controller.rb#show``: à suivre,
# suivis, traités, tous), each with its count; sorting through a whitelist of columns, so that
# nothing typed in the address reaches ``order_by``.

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED]


@dataclass(frozen=True)
class Tab:
    code: str
    label: str
    empty: str
    default_sort: str = "cree"


TABS: tuple[Tab, ...] = (
    Tab("a-traiter", "À traiter", "Aucune tâche ne vous est attribuée."),
    Tab("file", "File du département", "Aucune tâche en attente dans votre périmètre."),
    Tab("suivis", "Suivis", "Aucune tâche ouverte sur les dossiers que vous suivez."),
    Tab("traites", "Traités par moi", "Vous n'avez encore terminé aucune tâche.", default_sort="-termine"),
    Tab("tous", "Tous", "Aucune tâche ouverte dans votre périmètre."),
)
TAB_CODES = {tab.code: tab for tab in TABS}

SORTS: dict[str, tuple[str, str]] = {
    # URL value → (column, French label of the column)
    "cree": ("created", "Créée le"),
    "termine": ("finished", "Terminée le"),
    "etape": ("flow_task", "Étape"),
    "attribuee": ("owner__last_name", "Attribuée à"),
    "etat": ("status", "État"),
}


def _followed_processes(user: AnyUser) -> QuerySet[Process]:
    from workflows.inbox.models import Follow

    followed = Q(pk__in=[])
    for kind in _flow_kinds():
        content_type = ContentType.objects.get_for_model(kind.model)
        followed |= Q(
            flow_class=kind.flow,
            artifact_content_type=content_type,
            artifact_object_id__in=Follow.objects.filter(user_id=user.pk or 0, case_type=content_type).values(
                "case_id"
            ),
        )
    return Process.objects.filter(followed)


def tab_tasks(*, user: AnyUser, tab: str) -> QuerySet[Task]:
    """The tasks of one tab, unfiltered and unsorted (``Task.objects.none()`` for a stranger)."""
    if not user.is_authenticated or tab not in TAB_CODES:
        return Task.objects.none()
    if tab == "a-traiter":
        return _case_tasks(user, statuses=[STATUS.ASSIGNED])
    if tab == "file":
        return _case_tasks(user, statuses=[STATUS.NEW])
    if tab == "suivis":
        return _case_tasks(user, statuses=OPEN_STATUSES, any_role=True).filter(
            process_id__in=_followed_processes(user).values("pk")
        )
    if tab == "traites":
        return _case_tasks(user, statuses=[STATUS.DONE], owner=user)
    return _case_tasks(user, statuses=OPEN_STATUSES, any_role=True)


def tab_counts(*, user: AnyUser, only: tuple[str, ...] | None = None) -> dict[str, int]:
    """Each tab's count, read once per request (the navigation and the tabs share them)."""
    if not user.is_authenticated:
        return {tab.code: 0 for tab in TABS}
    cache: dict[str, int] = user.__dict__.setdefault("_inbox_counts", {})
    for tab in TABS:
        if tab.code not in cache and (only is None or tab.code in only):
            cache[tab.code] = tab_tasks(user=user, tab=tab.code).count()
    return dict(cache)


def step_choices() -> list[tuple[str, str]]:
    """Each human task of each case kind: ``renewal.validate`` → its kind and title."""
    return [
        (f"{kind.code}.{node.name}", f"{kind.label} – {node.task_title}")
        for kind in _flow_kinds()
        for node in human_nodes(kind.flow)
    ]


def _deadline_exists(**condition: Any) -> Any:
    from django.db.models import Exists, OuterRef

    from notifications.models import Deadline

    return Exists(
        Deadline.objects.filter(
            case_type=OuterRef("process__artifact_content_type"),
            case_id=OuterRef("process__artifact_object_id"),
            met_at__isnull=True,
            **condition,
        )
    )


def tasks_filter(
    tasks: QuerySet[Task],
    *,
    kind: str | None = None,
    step: str | None = None,
    department: str | None = None,
    late: bool = False,
    due_before: Any = None,
    today: Any = None,
) -> QuerySet[Task]:
    """The inbox's filters: case kind, step, département, late (an open deadline of the case is
    past), due before a date (an open deadline of the case falls on or before it)."""
    tasks = _filtered(tasks, department=department, kind=kind)
    if step:
        code, _, node_name = step.partition(".")
        found = kind_for_code(code)
        nodes = [node for node in human_nodes(found.flow) if node.name == node_name] if found and found.flow else []
        if not nodes:
            return tasks.none()
        tasks = tasks.filter(flow_task__in=nodes, process__flow_class=found.flow)  # type: ignore[union-attr]
    if late:
        from django.utils import timezone

        tasks = tasks.filter(_deadline_exists(due_on__lt=today or timezone.localdate()))
    if due_before:
        tasks = tasks.filter(_deadline_exists(due_on__lte=due_before))
    return tasks


def tasks_sort(tasks: QuerySet[Task], sort: str | None, *, default: str = "cree") -> tuple[QuerySet[Task], str]:
    """Sorted by a whitelisted column (``-`` for descending); returns the sort applied."""
    applied = sort if sort and sort.lstrip("-") in SORTS else default
    column = SORTS[applied.lstrip("-")][0]
    descending = applied.startswith("-")
    order = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return tasks.order_by(order, "-pk" if descending else "pk"), applied


def tab_page_tasks(tasks: QuerySet[Task], *, tab: str) -> QuerySet[Task]:
    """What a page of a tab reads with its tasks: process, case (one query per kind), owner."""
    tasks = _with_cases(tasks)
    if tab == "file":  # see task_queue: no owner to join
        tasks = tasks.select_related(None).select_related("process")
    return tasks


def case_in_scope(*, user: AnyUser, kind_code: str, case_pk: int) -> Any:
    """The case of that kind if the user may see it (``None`` otherwise: another département)."""
    kind = kind_for_code(kind_code)
    if kind is None or not user.is_authenticated:
        return None
    return (
        scoped(kind.model._default_manager.all(), user, department_field=kind.department_field)
        .filter(pk=case_pk)
        .first()
    )


def case_followed(*, user: AnyUser, case: Any) -> bool:
    from workflows.inbox.models import Follow

    if not user.is_authenticated:
        return False
    return Follow.objects.filter(
        user=user, case_type=ContentType.objects.get_for_model(type(case)), case_id=case.pk
    ).exists()
