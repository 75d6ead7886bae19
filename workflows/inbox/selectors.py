"""The one inbox of every case kind: Mes tâches, the département's queue, the CGET review queue.

Every flow registered with the case kernel (``workflows.cases.registry``) is listed, scoped the
same way: the node references of the kind's flow (no join on the process), the role permission
the task carries (``owner_permission``, for the queue) and ``process_id IN`` the processes of the
cases of the user's départements (``accounts.selectors.scoped`` on the case model). viewflow's own
``user_queue`` matches guardian's *generic* grant tables; ours are direct-foreign-key tables, so
it could not see them. Indexes for a million tasks: migration ``workflows/0008_task_and_process_indexes``
(inbox: owner/created partial on ASSIGNED; queue: type/permission/created partial on NEW;
history: process/finished), measured in ``benchmarks/renewal.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db.models import F, Field, Q, QuerySet, Value

from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from accounts.covers import covered_user_ids
from accounts.models import User
from accounts.selectors import department_ids, scoped, sees_all_departments
from config.statements import Compiled, Ids, any_of_registered
from notifications.campaign import campaign_calendar, campaign_today
from notifications.notice_services import notices_unread_count
from workflows.cases.registry import CaseKind, kind_for_code, kind_for_flow, kinds
from workflows.cases.tasks import human_nodes
from workflows.inbox import counts

AnyUser = User | AnonymousUser


def _flow_kinds() -> list[CaseKind]:
    return [kind for kind in kinds() if kind.flow is not None]


def _scoped_case_ids(user: AnyUser, kind: CaseKind) -> list[Any]:
    """The ids of the cases of ``kind`` in the user's départements, read once per request for
    every kind in one ``UNION ALL`` (a query per kind before: six round trips on every page):
    the tabs, their counts and the navigation's counts share them (cached on the request's user)."""
    cache: dict[str, list[int]] | None = user.__dict__.get("_inbox_case_ids")
    if cache is None:
        # Kept with the user's counts (``workflows.inbox.counts``): his scope's cases change only
        # when a case of his départements is written, which moves their key.
        key = _ids_key(user)
        _kept_read(user)
        kept = user.__dict__.pop("_inbox_ids_kept")
        if kept is not None:
            cache = user.__dict__["_inbox_case_ids"] = kept
            return cache.get(kind.code, [])
        cache = user.__dict__["_inbox_case_ids"] = {found.code: [] for found in _flow_kinds()}
        parts = [
            # Unordered: a model's default ordering (a PAQTE convention's, by company name)
            # joined and sorted the 100,000 companies for a list of ids (benchmarks/RESULTS.md).
            scoped(found.model._default_manager.all(), user, department_field=found.department_field)
            .order_by()
            .annotate(_kind=Value(index))
            .values_list("_kind", "pk")
            for index, found in enumerate(_flow_kinds())
        ]
        codes = [found.code for found in _flow_kinds()]
        if parts:
            for index, pk in parts[0].union(*parts[1:], all=True):
                cache[codes[index]].append(pk)
        counts.ids_keep(key, cache)
    return cache.get(kind.code, [])


def cases_in_scope(user: AnyUser, kind: CaseKind) -> QuerySet[Any]:
    """The cases of ``kind`` the user may see (``accounts.selectors.scoped``), for a département
    user by the ids kept with his counts: ``id = ANY(…)`` lets PostgreSQL walk those rows in id
    order, where « département IN (sub-query) » made it walk the 100,000 PAQTE conventions in
    id order looking for a search's first matches (benchmarks/RESULTS.md)."""
    cases = kind.model._default_manager.all()
    if kind.flow is None or not user.is_authenticated or not user.is_active or sees_all_departments(user):
        return scoped(cases, user, department_field=kind.department_field)
    any_of_registered(kind.model._meta.pk)
    return cases.filter(pk__any_of=Ids(_scoped_case_ids(user, kind)))


def scope_ids(user: AnyUser, kind: CaseKind) -> tuple[str, list[int]] | None:
    """What ``cases_in_scope`` filters the cases of ``kind`` on, for a département user: the
    field and its ids (the kept case ids for a kind with a flow, the user's départements for
    another); ``None`` for a national user (no filter). For statements kept by their shape
    (``workflows.inbox.search``), whose values are these ids."""
    if not user.is_authenticated or not user.is_active:
        return "pk", []  # nobody's cases
    if sees_all_departments(user):
        return None
    if kind.flow is not None:
        return "pk", list(_scoped_case_ids(user, kind))
    return kind.department_field, sorted(department_ids(user))


def cases_with_ids(kind: CaseKind, scope: tuple[str, list[int]] | None) -> QuerySet[Any]:
    """The cases of ``kind`` whose ``scope`` field (``scope_ids``) is one of its ids."""
    cases = kind.model._default_manager.all()
    if scope is None:
        return cases
    name, ids = scope
    field = kind.model._meta.pk if name == "pk" else kind.model._meta.get_field(name)
    assert isinstance(field, Field), name  # a column (the primary key or the département's key)
    any_of_registered(field)
    return cases.filter(**{f"{name}__any_of": Ids(ids)})


# The processes of the cases in scope, kept beside the kinds' ids (never a kind's code).
PROCESSES = "processes:"


def _scoped_process_ids(user: AnyUser) -> list[int]:
    """The ids of the processes of the user's cases, every kind, kept with the case ids: the
    page's tasks are then read by process (``quartiers_task_queue_process``) without the join
    on ``viewflow_process``, which PostgreSQL answered by reading all 100,000 processes for a
    département's 1,000 (benchmarks/RESULTS.md). A new process is created with its first task,
    whose save moves the versions of its case's départements, so this list moves with them."""
    ids = {kind.code: _scoped_case_ids(user, kind) for kind in _flow_kinds()}
    cache: dict[str, list[int]] = user.__dict__["_inbox_case_ids"]
    if PROCESSES not in cache:
        parts = [
            Process.objects.filter(
                flow_class=kind.flow,
                artifact_content_type=ContentType.objects.get_for_model(kind.model),
                artifact_object_id__any_of=Ids(ids[kind.code]),
            )
            .order_by()
            .values_list("pk", flat=True)
            for kind in _flow_kinds()
            if ids[kind.code]
        ]
        cache[PROCESSES] = list(parts[0].union(*parts[1:], all=True)) if parts else []
        counts.ids_keep(_ids_key(user), cache)
    return cache[PROCESSES]


any_of_registered(Process._meta.get_field("artifact_object_id"))
any_of_registered(Task._meta.get_field("process"))


def _held_permissions(user: AnyUser) -> list[str]:
    cached: list[str] | None = user.__dict__.get("_inbox_permissions")
    if cached is None:
        cached = sorted(user.get_all_permissions())
        user.__dict__["_inbox_permissions"] = cached
    return cached


def _human_tasks_in_scope(user: AnyUser) -> QuerySet[Task]:
    """The human tasks of every case kind in the user's départements, built once per request
    and shared by every tab and count (a request built it six times: a sixth of the inbox's
    time went to compiling the same condition, benchmarks/RESULTS.md)."""
    cached: QuerySet[Task] | None = user.__dict__.get("_inbox_scope_tasks")
    if cached is not None:
        return cached.all()
    national = sees_all_departments(user)
    nodes: list[Any] = []
    for kind in _flow_kinds():
        nodes += human_nodes(kind.flow)
    # One condition for every kind (a node belongs to one flow, so a task of one kind's node is
    # never in another kind's process): the planner walks the processes in scope → their open
    # tasks (``quartiers_task_queue_process``) instead of filtering every open task of the table
    # through one sub-plan per kind, OR-ed (benchmarks/RESULTS.md, "workspace's speed").
    condition = Q(flow_task_type="HUMAN", flow_task__in=nodes)
    if not national:
        # The processes in scope are read first (kept with the counts), given as values.
        condition &= Q(process_id__any_of=Ids(_scoped_process_ids(user)))
    tasks = user.__dict__["_inbox_scope_tasks"] = Task.objects.filter(condition)
    return tasks.all()


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
    held = _held_permissions(user) if permissions is None else permissions
    tasks = _human_tasks_in_scope(user)
    if STATUS.NEW in statuses and not any_role:
        tasks = tasks.filter(owner_permission__in=held)
    tasks = tasks.filter(status__in=statuses)
    if owner is not None:
        tasks = tasks.filter(owner=owner)
    elif statuses == [STATUS.ASSIGNED]:
        # His tasks, and those of the colleagues whose absence he covers today (accounts.covers).
        tasks = tasks.filter(owner_id__in=[user.pk, *covered_user_ids(user=user, today=campaign_today())])
    return tasks


def _with_cases(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Each task with its process (one query for the page's processes, by id); ``task_rows``
    then reads their owners (one query) and their cases, one query per case kind. Neither the
    process nor the owner is joined: at 100,000 processes PostgreSQL hashed the whole table for
    the first, and at 50,000 users the whole user table for the second, before sorting and
    cutting the page (« Tous »: 35–48 ms of the database's time a page, benchmarks/RESULTS.md,
    eleventh pass)."""
    return tasks.prefetch_related("process")


def _page_processes(ids: Ids) -> QuerySet[Process]:
    return Process.objects.filter(pk__any_of=ids)


any_of_registered(Process._meta.pk)
_PROCESSES = Compiled(_page_processes, Ids)  # the processes of a list's page


def _related_attached(tasks: list[Task], name: str, statement: Compiled) -> None:
    """The rows a foreign key of the page's tasks points to (``name``), in one query by their
    ids (``statement``, compiled once), kept on each task (no query when it is read): Django's
    ``prefetch_related`` built and compiled its query at each page, with its prefetch machinery
    (some 2,000 calls), and ``select_related`` joined the whole table (below)."""
    field = Task._meta.get_field(name)
    attname = field.get_attname()
    wanted = [task for task in tasks if getattr(task, attname) is not None and not field.is_cached(task)]
    if not wanted:
        return
    found = {row.pk: row for row in statement.all(Ids({getattr(task, attname) for task in wanted}))}
    for task in wanted:
        field.set_cached_value(task, found.get(getattr(task, attname)))


def _page_owners(ids: Ids) -> QuerySet[User]:
    return User._default_manager.filter(pk__any_of=ids)


any_of_registered(User._meta.pk)
# The owners of a list's page: joining them made PostgreSQL hash the 50,000 users before
# cutting the page (``_with_cases``).
_OWNERS = Compiled(_page_owners, Ids)


def _cases_attached(tasks: list[Task]) -> None:
    """The cases of the tasks' processes, one query per case kind, kept on each process as its
    ``artifact`` (no query when it is read). Django's ``GenericPrefetch`` did the same reads with
    some 200 Python calls per row more: it looks each row's content type up three times and sets
    the artifact through the generic key's descriptor (benchmarks/RESULTS.md)."""
    by_type = {ContentType.objects.get_for_model(kind.model).pk: kind for kind in _flow_kinds()}
    wanted: dict[int, list[Process]] = {}
    for task in tasks:
        process = task.process
        if process.artifact_content_type_id in by_type and process.artifact_object_id is not None:
            wanted.setdefault(process.artifact_content_type_id, []).append(process)
    artifact = Process._meta.get_field("artifact")
    for type_id, processes in wanted.items():
        kind = by_type[type_id]
        ids = Ids({process.artifact_object_id for process in processes})
        found = {case.pk: case for case in kind.cases_statement().all(ids)}
        for process in processes:
            artifact.set_cached_value(process, found.get(process.artifact_object_id))


def _in_departments(tasks: QuerySet[Task], **where: str) -> QuerySet[Task]:
    """The tasks of the cases whose département matches ``where`` (``code=…``, ``region__code=…``),
    as a sub-query (no query of its own): each case kind's processes, matched on the artifact's
    content type too (a synthesis and a renovation may share an id). It only narrows the tasks it
    is given, already scoped to the user's départements."""
    matched = Q(pk__in=[])
    for case_kind in _flow_kinds():
        matched |= Q(
            artifact_content_type=ContentType.objects.get_for_model(case_kind.model),
            artifact_object_id__in=case_kind.model._default_manager.filter(
                **{f"{case_kind.department_field}__{name}": value for name, value in where.items()}
            ).values("pk"),
        )
    return tasks.filter(process_id__in=Process.objects.filter(matched).values("pk"))


def _filtered(
    tasks: QuerySet[Task], *, department: str | None = None, kind: str | None = None, region: str | None = None
) -> QuerySet[Task]:
    if kind:
        found = kind_for_code(kind)
        if found is None or found.flow is None:
            return tasks.none()
        tasks = tasks.filter(flow_task__in=human_nodes(found.flow))
    if department:
        tasks = _in_departments(tasks, code=department)
    if region:
        # The région's départements (``reference.Department.region``, INSEE codes: 32
        # Hauts-de-France); an unknown code matches no case, the list is empty.
        tasks = _in_departments(tasks, region__code=region)
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
    return queue.select_related(None).order_by(order)


def review_permissions(user: AnyUser) -> list[str]:
    """The CGET's review rights the user holds (``workflows.review_renewal``, ``review_paqte``…)."""
    return sorted(perm for perm in user.get_all_permissions() if perm.partition(".")[2].startswith("review_"))


def _review_tasks(user: AnyUser) -> QuerySet[Task]:
    permissions = review_permissions(user) if user.is_authenticated else []
    if not permissions:
        return Task.objects.none()
    return _case_tasks(user, statuses=[STATUS.NEW, STATUS.ASSIGNED], permissions=permissions).filter(
        owner_permission__in=permissions
    )


def cget_review_queue(*, user: AnyUser, department: str | None = None, kind: str | None = None) -> QuerySet[Task]:
    """Every submission waiting for the CGET, of every case kind and département, taken or not."""
    return _with_cases(_filtered(_review_tasks(user), department=department, kind=kind)).order_by("created")


@dataclass
class TaskRow:
    """A task as the inbox shows it: what to do, on which case, of which kind, where."""

    task: Task
    kind: CaseKind | None
    case: Any
    risk: Any = None  # the early warning of the case (``workflows.cases.risk``), if it has one

    @property
    def kind_label(self) -> str:
        return self.kind.label if self.kind else ""

    @property
    def case_title(self) -> str:
        if self.kind is None or self.case is None:
            return str(self.task.process)
        return self.kind.name_of(self.case)

    @cached_property
    def task_page(self) -> str:
        """The task's own page, for a kind that has one (read once: the row's link asks twice)."""
        if self.kind is None or self.case is None:
            return ""
        return self.kind.task_url(self.task, self.case) or ""

    @property
    def url(self) -> str:
        if self.kind is None or self.case is None:
            return ""
        return self.task_page or self.kind.url(self.case)

    @property
    def department(self) -> Any:
        return getattr(self.case, "department", None) if self.case is not None else None


def task_rows(tasks: Any) -> list[TaskRow]:
    from workflows.cases.risk import risks

    tasks = list(tasks)
    _related_attached(tasks, "owner", _OWNERS)
    _related_attached(tasks, "process", _PROCESSES)
    _cases_attached(tasks)
    rows = [
        TaskRow(task=task, kind=kind_for_flow(task.process.flow_class), case=task.process.artifact) for task in tasks
    ]
    # The early warning of the page's cases, one kind at a time (its histories: one query).
    by_kind: dict[str, list[TaskRow]] = {}
    for row in rows:
        if row.kind is not None and row.case is not None:
            by_kind.setdefault(row.kind.code, []).append(row)
    for code, kind_rows in by_kind.items():
        found = risks(code, [row.case for row in kind_rows])
        for row in kind_rows:
            row.risk = found.get(row.case.pk)
    return rows


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
# The CGET's review: every submission waiting for it, a tab of the reviewers' inbox only.
REVIEW_TAB = Tab("revue-cget", "Revue CGET", "Aucun envoi n'attend l'examen du CGET.")
TAB_CODES = {tab.code: tab for tab in (*TABS, REVIEW_TAB)}


def visible_tabs(user: AnyUser) -> tuple[Tab, ...]:
    """The tabs of the user's inbox: the five, and the CGET's review for those who review."""
    if user.is_authenticated and review_permissions(user):
        return (*TABS, REVIEW_TAB)
    return TABS


def shown_tabs(user: AnyUser) -> tuple[Tab, ...]:
    """The tabs the inbox shows the user, his own queue first: a national user (the référent
    CGET, the administrateur national) has no département, so no « File du département » tab
    (its address still answers, with the same scope); for those who review, « Revue CGET »
    comes right after « À traiter »."""
    tabs = visible_tabs(user)
    if user.is_authenticated and sees_all_departments(user):
        tabs = tuple(tab for tab in tabs if tab.code != "file")
    if REVIEW_TAB in tabs:
        tabs = (tabs[0], REVIEW_TAB, *(tab for tab in tabs[1:] if tab != REVIEW_TAB))
    return tabs


SORTS: dict[str, tuple[str, str]] = {
    # URL value → (column, French label of the column)
    "cree": ("created", "Créée le"),
    "termine": ("finished", "Terminée le"),
    "etape": ("flow_task", "Étape"),
    "attribuee": ("owner__last_name", "Attribuée à"),
    "etat": ("status", "État"),
}


def _followed_processes(user: AnyUser) -> QuerySet[Process]:
    """The processes of the cases the user follows: his follows read first (``followed_cases``), then
    matched by id on each kind's processes (a sub-query per kind, OR-ed, scanned the 100,000
    processes)."""

    by_type: dict[int, list[int]] = {}
    for case_type_id, case_id in sorted(followed_cases(user=user)):
        by_type.setdefault(case_type_id, []).append(case_id)
    followed = Q(pk__in=[])
    for kind in _flow_kinds():
        content_type = ContentType.objects.get_for_model(kind.model)
        if by_type.get(content_type.pk):
            followed |= Q(
                flow_class=kind.flow,
                artifact_content_type=content_type,
                artifact_object_id__any_of=Ids(by_type[content_type.pk]),
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
        # The followed processes read first (a few): as values, an empty list costs no query and
        # the tasks are reached through their processes (a sub-query made PostgreSQL walk every
        # open task of a national user, 0.4 s at 1,000,000 tasks).
        followed: list[int] | None = user.__dict__.get("_inbox_followed")
        if followed is None:
            followed = user.__dict__["_inbox_followed"] = list(_followed_processes(user).values_list("pk", flat=True))
        return _case_tasks(user, statuses=OPEN_STATUSES, any_role=True).filter(process_id__in=followed)
    if tab == "traites":
        return _case_tasks(user, statuses=[STATUS.DONE], owner=user)
    if tab == REVIEW_TAB.code:
        return _review_tasks(user)
    return _case_tasks(user, statuses=OPEN_STATUSES, any_role=True)


# A count shown on a tab, a saved view or the navigation stops there (« 500+ »): counting a
# national list to its end read tens of thousands of index entries on every page
# (benchmarks/RESULTS.md, "workspace's speed"); nobody reads a list that long page by page.
COUNT_CAP = 500


def capped_count(tasks: QuerySet[Task], *, cap: int | None = None) -> int:
    """The number of tasks, exact up to ``cap`` (``COUNT_CAP``), ``cap + 1`` beyond
    (``COUNT(*)`` over a ``LIMIT cap + 1`` sub-query)."""
    cap = COUNT_CAP if cap is None else cap
    return tasks.order_by().values("pk")[: cap + 1].count()


def count_label(count: int, *, cap: int | None = None) -> str:
    """« 12 », or « 500+ » past the cap."""
    cap = COUNT_CAP if cap is None else cap
    return f"{cap}+" if count > cap else str(count)


def tab_counts(*, user: AnyUser, only: tuple[str, ...] | None = None) -> dict[str, int]:
    """Each tab's count (capped: ``COUNT_CAP + 1`` means more), read once per request (the
    navigation and the tabs share them)."""
    if not user.is_authenticated:
        return {tab.code: 0 for tab in TABS}
    # Those kept since something they count last changed (``workflows.inbox.counts``).
    cache = _counts_read(user)
    wanted = [tab.code for tab in visible_tabs(user) if tab.code not in cache and (only is None or tab.code in only)]
    if wanted:
        cache.update(capped_counts({code: tab_tasks(user=user, tab=code) for code in wanted}))
        counts.counts_keep(_counts_key(user), cache)
    return {code: count for code, count in cache.items() if code in TAB_CODES}


# The bell's count, kept with the tabs' counts under the same key (never a tab's code): the
# user's version moves when notices are created for him or marked read (``receivers``).
UNREAD = "avis-non-lus"


def notices_unread(*, user: AnyUser) -> int:
    """The user's unread notices, read once per request and kept with his counts: a query of
    its own on every page before (benchmarks/RESULTS.md, eleventh pass)."""
    if not user.is_authenticated:
        return 0
    found: int = _kept_value(user, UNREAD, lambda: notices_unread_count(user=user))
    return found


def _kept_value(user: AnyUser, code: str, compute: Callable[[], Any]) -> Any:
    """What is kept under ``code`` with the user's counts (never a tab's code), computed and
    kept when missing."""
    cache: dict[str, Any] = _counts_read(user)
    if code not in cache:
        cache[code] = compute()
        counts.counts_keep(_counts_key(user), cache)
    return cache[code]


def _kept_read(user: AnyUser) -> None:
    """What is kept under the user's counts' key, his counts and his scope's ids, read once per
    request in one round trip (``counts.counts_and_ids_kept``)."""
    if "_inbox_counts" not in user.__dict__:
        found, ids = counts.counts_and_ids_kept(_counts_key(user), _ids_key(user))
        user.__dict__["_inbox_counts"], user.__dict__["_inbox_ids_kept"] = found, ids
    elif "_inbox_ids_kept" not in user.__dict__:
        user.__dict__["_inbox_ids_kept"] = counts.ids_kept(_ids_key(user))


def _counts_read(user: AnyUser) -> dict[str, int]:
    if "_inbox_counts" not in user.__dict__:
        _kept_read(user)
    cache: dict[str, int] = user.__dict__["_inbox_counts"]
    return cache


def _counts_key(user: AnyUser) -> str:
    key: str | None = user.__dict__.get("_inbox_counts_key")
    if key is None:
        key = user.__dict__["_inbox_counts_key"] = counts.counts_key(user, calendar=campaign_calendar())
    return key


def _ids_key(user: AnyUser) -> str:
    _counts_key(user)  # which finds where the ids are kept too
    return counts.ids_key(user)


def kept_counts(*, user: AnyUser, lists: dict[str, Callable[[], QuerySet[Task]]]) -> dict[str, int]:
    """``capped_counts`` of lists of the user's (his saved views), kept with his tabs' counts
    under the same key: ``lists``' codes name what they count (a view and its query), their
    values build the list only when it must be counted."""
    cache = _counts_read(user)
    wanted = {code: tasks() for code, tasks in lists.items() if code not in cache}
    if wanted:
        cache.update(capped_counts(wanted))
        counts.counts_keep(_counts_key(user), cache)
    return {code: cache[code] for code in lists}


def capped_counts(lists: dict[str, QuerySet[Task]], *, cap: int | None = None) -> dict[str, int]:
    """``capped_count`` of each list, in one statement: ``SELECT (SELECT COUNT(*) FROM (… LIMIT
    501)), (…), …``. The five tabs cost five round trips on every inbox page, and the
    navigation's two on every other page (benchmarks/RESULTS.md, "workspace's speed"); a list
    that can hold nothing (``none()``, an empty scope) counts 0 without being sent."""
    from django.db import connections

    cap = COUNT_CAP if cap is None else cap
    found: dict[str, int] = {}
    parts: list[tuple[str, str, tuple[Any, ...]]] = []
    for code, tasks in lists.items():
        limited = tasks.order_by().values("pk")[: cap + 1]
        try:
            sql, params = limited.query.sql_with_params()
        except EmptyResultSet:
            found[code] = 0
            continue
        parts.append((code, sql, params))
    if parts:
        using = next(iter(lists.values())).db
        # Django's own compiled statements, their values kept apart as parameters.
        statement = "SELECT " + ", ".join(  # noqa: S608
            f"(SELECT COUNT(*) FROM ({sql}) AS capped_{index})"  # noqa: S608
            for index, (_code, sql, _params) in enumerate(parts)
        )
        with connections[using].cursor() as cursor:
            cursor.execute(statement, [value for _code, _sql, params in parts for value in params])
            row = cursor.fetchone()
        found.update({code: int(count) for (code, _sql, _params), count in zip(parts, row, strict=True)})
    return found


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


def _at_risk() -> Q:
    """Tasks of cases the early warning flags « à risque » or late as of the campaign's today
    (``workflows.cases.risk``), as their badges say."""
    from workflows.cases.risk import flagged_ids, risk_models

    condition = Q(pk__in=[])
    for model in risk_models():
        kind = kind_for_code(model.kind_code)
        if kind is not None and kind.flow is not None:
            ids = flagged_ids(model.kind_code)
            processes = Process.objects.filter(flow_class=kind.flow, artifact_object_id__in=ids)
            condition |= Q(process_id__in=processes.values("pk"))
    return condition


def tasks_filter(
    tasks: QuerySet[Task],
    *,
    kind: str | None = None,
    step: str | None = None,
    department: str | None = None,
    region: str | None = None,
    late: bool = False,
    at_risk: bool = False,
    due_before: Any = None,
    today: Any = None,
) -> QuerySet[Task]:
    """The inbox's filters: case kind, step, département, région (its départements), late (an
    open deadline of the case is past), due before a date (an open deadline of the case falls on
    or before it)."""
    tasks = _filtered(tasks, department=department, kind=kind, region=region)
    if step:
        code, _, node_name = step.partition(".")
        found = kind_for_code(code)
        nodes = [node for node in human_nodes(found.flow) if node.name == node_name] if found and found.flow else []
        if not nodes:
            return tasks.none()
        tasks = tasks.filter(flow_task__in=nodes)  # a node is of one flow: no join on the process
    if late:
        from notifications.campaign import campaign_today

        tasks = tasks.filter(_deadline_exists(due_on__lt=today or campaign_today()))
    if due_before:
        tasks = tasks.filter(_deadline_exists(due_on__lte=due_before))
    if at_risk:
        tasks = tasks.filter(_at_risk())
    return tasks


# Columns a task always has: where their nulls go changes nothing.
NEVER_NULL = frozenset({"created", "flow_task", "status"})


def tasks_sort(
    tasks: QuerySet[Task], sort: str | None, *, default: str = "cree", few: bool = False
) -> tuple[QuerySet[Task], str]:
    """Sorted by a whitelisted column (``-`` for descending); returns the sort applied.

    ``few``: the list is bounded by the user's départements (a few thousand tasks at most),
    reached through their processes. Ascending on a column that is never null, the order is
    then written ``NULLS FIRST``, which viewflow's global ``created`` index cannot serve: else
    PostgreSQL walks that index over the whole table and filters it (benchmarks/RESULTS.md)."""
    applied = sort if sort and sort.lstrip("-") in SORTS else default
    column = SORTS[applied.lstrip("-")][0]
    descending = applied.startswith("-")
    if descending:
        order = F(column).desc(nulls_last=True)
    else:
        order = F(column).asc(nulls_first=True) if few and column in NEVER_NULL else F(column).asc(nulls_last=True)
    return tasks.order_by(order, "-pk" if descending else "pk"), applied


def tab_page_tasks(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """What a page of a tab reads with its tasks: nothing joined; ``task_rows`` reads their
    owners (one query), processes (one query) and cases (one query per kind), whatever the tab
    (see ``_with_cases``)."""
    return tasks.select_related(None)


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


def _follows_of(user_id: int) -> QuerySet[Any]:
    from workflows.inbox.models import Follow

    return Follow.objects.filter(user_id=user_id).values_list("case_type_id", "case_id")


_FOLLOWS = Compiled(_follows_of, int)
# The cases the user follows, kept with his counts (never a tab's code): his version moves when
# he follows a case or stops (``receivers.follow_written``); a visit (``seen_at``) changes nothing.
FOLLOWED = "dossiers-suivis"


def followed_cases(*, user: AnyUser) -> frozenset[tuple[int, int]]:
    """``(content type, case id)`` of each case the user follows, read once per request and kept
    with his counts: the case page's « Suivre ce dossier », the lists' « Suivi » marks and the
    « Suivis » tab read them (a query on every case and list page before)."""
    if not user.is_authenticated:
        return frozenset()
    found: frozenset[tuple[int, int]] | None = user.__dict__.get("_inbox_followed_cases")
    if found is not None:
        return found
    pairs = _kept_value(
        user, FOLLOWED, lambda: sorted([int(type_id), int(case_id)] for type_id, case_id in _FOLLOWS.all(user.pk))
    )
    found = frozenset((type_id, case_id) for type_id, case_id in pairs)
    user.__dict__["_inbox_followed_cases"] = found
    return found


def case_followed(*, user: AnyUser, case: Any) -> bool:
    return (ContentType.objects.get_for_model(type(case)).pk, case.pk) in followed_cases(user=user)
