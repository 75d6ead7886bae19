"""Who is told what happened to a case: receivers of the kernel's ``case_event``.

- returned → those the case is back with: the département's people who may move it on from the
  state the return led to (``_preparers``, the transition table's rule: the agents for the
  synthesis and the renovation, the agents and the référent PAQTE for the PAQTE cases);
- submitted (arrived in a queue) → whoever may take the case's open task now (the rule is the
  transition table's, through ``task_may_act``, every candidate's permissions read in one query);
- approved → the prefecture's team of the département;
- signed → the CGET's referents;
- message (``workflows.cases.note_services.message_add``) → the other side of the prefecture ↔
  CGET thread: the prefecture team of the département for a CGET message; for a prefecture
  message, the CGET referents who acted on the case (all of them if none has yet);
- and, for every event, those who follow the case and may still see it.
The actor himself is never told. Each gets one notice and, by his preference for the event
type, one email through the outbox (``notifications.notice_services``), exactly once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from accounts.backends import permissions_loaded_many
from accounts.models import NATIONAL_ROLES, Role, User
from notifications.notice_services import notices_create
from reference.models import Department
from workflows.cases.events import case_event
from workflows.cases.registry import kind_of
from workflows.cases.tasks import process_of, task_may_act
from workflows.inbox import counts
from workflows.inbox.models import Follow
from workflows.inbox.selectors import case_in_scope

PREFECTURE_ROLES = (Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR)


def _prefecture(department_ids: list[int], roles: tuple[str, ...] = PREFECTURE_ROLES) -> list[User]:
    return list(User.objects.filter(is_active=True, organisation__department_id__in=department_ids, role__in=roles))


def _national(roles: frozenset[str] = NATIONAL_ROLES) -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=roles))


def _may_take(case: Any, department_ids: list[int]) -> list[User]:
    process = process_of(case)
    if process is None:
        return []
    tasks = list(Task.objects.filter(process=process, status=STATUS.NEW, flow_task_type="HUMAN"))
    if not tasks:
        return []
    candidates = _prefecture(department_ids) + _national(frozenset({Role.CGET_REFERENT}))
    # Every candidate's permissions and grants in one query: the rule below is then read in
    # memory (it asked the database once per candidate, 40 % of a completion's time at the
    # benchmark's size: benchmarks/RESULTS.md).
    permissions_loaded_many(candidates)
    return [user for user in candidates if any(task_may_act(user=user, task=task, case=case) for task in tasks)]


def _preparers(case: Any, transition: Any, department_ids: list[int]) -> list[User]:
    """Those a return gives the case back to: the prefecture's people of its département who may
    run one of its kind's transitions out of the state the return led to (django-fsm-2's
    declared ``permission``, through guardian), whoever holds its task and whatever happened
    since (the event is delivered after the commit). Those who prepare it, so: the agents for
    the prefect's synthesis (``work_synthesis``: the circular's five pages on the contrats de
    ville, which the référent PAQTE does not write) and the renovation (``work_renewal``); the
    agents and the référent PAQTE for the PAQTE cases (``work_paqte``, annex 2); never the
    valideur, whose send-back it may be. Every candidate's role permissions read in one query
    (the département's grant is then guardian's, for those whose role may)."""
    kind = kind_of(case)
    meta = getattr(getattr(type(case), transition.name, None), "_django_fsm", None) if transition else None
    back_in = {str(step.target) for step in meta.transitions.values()} if meta else {str(case.state)}
    # The FSM methods of the table's transitions, as ``workflows.cases.states`` reads them
    # (django-fsm-2's get_all_state_transitions finds none on a kind that redeclares its state
    # field, as the synthesis does).
    steps = [
        step
        for spec in kind.table
        if not spec.system and (fsm := getattr(getattr(type(case), spec.name, None), "_django_fsm", None)) is not None
        for source, step in fsm.transitions.items()
        if source in ("*", "+") or str(source) in back_in
    ]
    if not steps:
        return []
    candidates = _prefecture(department_ids)
    permissions_loaded_many(candidates)
    return [user for user in candidates if any(step.has_perm(case, user) for step in steps)]


def _followers(case: Any) -> list[User]:
    follows = Follow.objects.filter(
        case_type=ContentType.objects.get_for_model(type(case)), case_id=case.pk
    ).select_related("user")
    kind = kind_of(case)
    return [
        follow.user
        for follow in follows
        if follow.user.is_active and case_in_scope(user=follow.user, kind_code=kind.code, case_pk=case.pk) is not None
    ]


def _cget_of(case: Any) -> list[User]:
    """The CGET referents who acted on the case (its history), else all of them."""
    actors = kind_of(case).history_of(case).filter(actor__isnull=False).values("actor_id")
    cget = frozenset({Role.CGET_REFERENT})
    acted = list(User.objects.filter(is_active=True, role__in=cget, pk__in=actors))
    return acted or _national(cget)


def recipients_for(*, case: Any, event: str, actor: Any = None, transition: Any = None) -> list[User]:
    """Who is told of ``event`` on ``case`` (the module's rules); ``transition``: the table's
    transition that emitted it (a return: the state it led to)."""
    department_ids = kind_of(case).departments(case)
    if event == "returned":
        people = _preparers(case, transition, department_ids)
    elif event == "submitted":
        people = _may_take(case, department_ids)
    elif event == "approved":
        people = _prefecture(department_ids)
    elif event == "signed":
        people = _national(frozenset({Role.CGET_REFERENT}))
    elif event == "message":
        people = _prefecture(department_ids) if actor is not None and actor.is_national else _cget_of(case)
    else:
        people = []
    return people + _followers(case)


def case_event_notices(
    sender: Any,
    *,
    case: Any,
    transition: Any,
    event: str,
    actor: Any,
    comment: str,
    message: Any = None,
    **_: Any,
) -> None:
    kind = kind_of(case)
    people = [
        user
        for user in recipients_for(case=case, event=event, actor=actor, transition=transition)
        if actor is None or user.pk != actor.pk
    ]
    if not people:
        return
    by = f" par {actor}" if actor is not None else ""
    if transition is None:  # a message of the case's thread: its row is the event's identity
        identity = f"message{message.pk}" if message is not None else "message"
        label = "Message du CGET" if message is not None and message.from_cget else "Message de la préfecture"
        body = f"{label}{by} : {comment}"
    else:
        # The history row this transition wrote (sent on its commit): the event's identity.
        identity = str(
            kind.history_of(case)
            .filter(transition=transition.name)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        label = transition.timeline_label
        body = (
            (f"Motif{by} : {comment}" if comment else f"Le {label.lower()}{by}.")
            if event == "returned"
            else (f"{comment}" if comment else "")
        )
    department_ids = kind.departments(case)
    department = Department.objects.filter(pk__in=department_ids).order_by("code").first() if department_ids else None
    notices_create(
        recipients=people,
        event=event,
        key=f"{kind.code}:{case.pk}:{identity}:{event}",
        title=f"{label} – {kind.title(case)}",
        body=body,
        link_path=kind.url(case) + ("#echanges" if transition is None else ""),  # a message: the thread
        department=department,
        case=case,
    )


# --- What moves the inbox's kept counts (``workflows.inbox.counts``) -----------------------------


def _case_departments(kind: Any, case: Any) -> list[int]:
    return [int(pk) for pk in kind.departments(case)] if case is not None else []


# How long a process's départements are kept for ``task_written``.
PROCESS_DEPARTMENTS_TIMEOUT = 86400


def _process_key(process_id: int, created: Any) -> str:
    # Its creation time with its id: a test database restored from a snapshot gives an id again.
    return f"{counts._prefix()}:process:{process_id}:{created.isoformat()}"


def _process_departments(process: Process) -> list[int]:
    """The départements of a process's case, kept in the cache (a process never changes case; a
    case that moves to another département keeps them up to date, ``case_written``)."""
    from workflows.cases.kept import kept_get, kept_set
    from workflows.cases.registry import kind_for_flow

    key = _process_key(process.pk, process.created)
    departments = kept_get(key)
    if departments is None:
        kind = kind_for_flow(process.flow_class)
        departments = _case_departments(kind, process.artifact) if kind is not None else []
        kept_set(key, departments, timeout=PROCESS_DEPARTMENTS_TIMEOUT)
    return list(departments)


def task_written(sender: Any, instance: Task, **kwargs: Any) -> None:
    """A task saved or deleted: the counts of its case's départements move."""
    from workflows.cases.kept import shared

    if not isinstance(instance, Task) or not shared():  # nothing kept: nothing to move
        return
    if instance.process_id is None:
        return
    counts.tasks_changed(_process_departments(instance.process))


def process_written(sender: Any, instance: Process, **kwargs: Any) -> None:
    """A process saved (started, finished, cancelled) or deleted: the processes of its case's
    départements, kept with the scope's ids, move."""
    from workflows.cases.kept import shared

    if not isinstance(instance, Process) or not shared() or instance.artifact_object_id is None:
        return
    counts.ids_changed(_process_departments(instance))


LOADED_DEPARTMENT = "_inbox_department_at_load"


def _department_attname(kind: Any) -> str | None:
    """The column the kind's lists are scoped on (``department_id``), when it is the case's own."""
    if "__" in kind.department_field:
        return None
    return str(kind.model._meta.get_field(kind.department_field).attname)


def case_loaded(sender: Any, instance: Any, **kwargs: Any) -> None:
    """The case's département as read from the database (not read if the load deferred it)."""
    attname = _department_attname(kind_of(instance))
    if attname is not None and attname in instance.__dict__:
        instance.__dict__[LOADED_DEPARTMENT] = instance.__dict__[attname]


def _processes_moved(kind: Any, case: Any, departments: list[int]) -> None:
    """The case moved to another département: the départements kept for its processes
    (``task_written``) become its new ones, at once and again after the commit (a task saved
    meanwhile, in another transaction, read the case where it was). Else the saves of its tasks
    moved the counts of the département it left, for a day, and never those of its new one."""
    from workflows.cases.kept import kept_set, shared

    if kind.flow is None or not shared():
        return
    processes = list(
        Process.objects.filter(
            artifact_content_type=ContentType.objects.get_for_model(kind.model), artifact_object_id=case.pk
        ).values_list("pk", "created")
    )

    def keep() -> None:
        for pk, created in processes:
            kept_set(_process_key(pk, created), departments, timeout=PROCESS_DEPARTMENTS_TIMEOUT)

    keep()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(keep)


def case_written(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A case saved or deleted (created, moved to another département): the counts of its
    départements, and of the one it left (its cases' ids in scope are kept with them)."""
    kind = kind_of(instance)
    departments = _case_departments(kind, instance)
    left = instance.__dict__.get(LOADED_DEPARTMENT)
    attname = _department_attname(kind)
    current = instance.__dict__.get(attname) if attname is not None else None
    known = left is not None and current is not None
    moved = known and int(left) != int(current)  # type: ignore[arg-type]
    if moved and not kwargs.get("created"):
        _processes_moved(kind, instance, list(departments))
    if left is not None:
        departments.append(int(left))
    # Created, deleted (``post_delete`` sends no ``created``), moved, or read without its
    # département: which cases the départements hold may have changed, their ids move with the
    # counts; any other save (a transition), the counts only.
    if kwargs.get("created") or "created" not in kwargs or moved or not known:
        counts.scope_changed(departments)
    else:
        counts.tasks_changed(departments)
    if attname is not None and attname in instance.__dict__:
        instance.__dict__[LOADED_DEPARTMENT] = instance.__dict__[attname]


def follow_written(sender: Any, instance: Follow, **kwargs: Any) -> None:
    counts.user_changed(instance.user_id)


def cover_written(sender: Any, instance: Any, **kwargs: Any) -> None:
    counts.user_changed(instance.user_id, instance.colleague_id)


def notices_written(sender: Any, *, recipient_ids: list[int], **kwargs: Any) -> None:
    """Notices created or marked read (``notifications.notice_services``): the bell's count is
    kept with the recipients' counts (``selectors.notices_unread``)."""
    counts.user_changed(*recipient_ids)


def notice_written(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A notice saved or deleted one by one (the administration, a user's account deleted)."""
    counts.user_changed(instance.recipient_id)


# What a login writes (``last_login``) or a password change: nothing the hand-over lists show.
_NOT_SHOWN = frozenset({"last_login", "password"})


def person_written(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A user or an organisation saved or deleted: the colleagues' lists move."""
    if update_fields is not None and set(update_fields) <= _NOT_SHOWN:
        return
    counts.people_changed()


def regions_written(sender: Any, *, department_ids: list[int], **kwargs: Any) -> None:
    """The reference import put départements in another région (``reference.signals``): what
    their lists count by région (a saved view « région ») moves."""
    counts.scope_changed(department_ids)


def connect() -> None:
    from django.db.models.signals import post_delete, post_init, post_save

    from accounts.models import AbsenceCover, Organisation, User
    from notifications.notice_services import notices_changed
    from notifications.notices import Notice
    from reference.signals import departments_moved
    from workflows.cases.registry import kinds

    case_event.connect(case_event_notices, dispatch_uid="inbox.case_event_notices")
    departments_moved.connect(regions_written, dispatch_uid="inbox.counts.departments_moved")
    notices_changed.connect(notices_written, dispatch_uid="inbox.counts.notices")
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        # Every sender: a flow may save its tasks through a proxy model of viewflow's Task.
        signal.connect(task_written, dispatch_uid=f"inbox.counts.task.{name}")
        signal.connect(process_written, dispatch_uid=f"inbox.counts.process.{name}")
        signal.connect(follow_written, sender=Follow, dispatch_uid=f"inbox.counts.follow.{name}")
        signal.connect(cover_written, sender=AbsenceCover, dispatch_uid=f"inbox.counts.cover.{name}")
        signal.connect(notice_written, sender=Notice, dispatch_uid=f"inbox.counts.notice.{name}")
        signal.connect(person_written, sender=User, dispatch_uid=f"inbox.people.user.{name}")
        signal.connect(person_written, sender=Organisation, dispatch_uid=f"inbox.people.organisation.{name}")
        for kind in kinds():
            signal.connect(case_written, sender=kind.model, dispatch_uid=f"inbox.counts.{kind.code}.{name}")
    for kind in kinds():
        post_init.connect(case_loaded, sender=kind.model, dispatch_uid=f"inbox.counts.{kind.code}.init")
