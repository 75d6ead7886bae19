"""Who is told what happened to a case: receivers of the kernel's ``case_event``.

- returned → the département's agents (the case is back with them);
- submitted (arrived in a queue) → whoever may take the case's open task now (the rule is the
  transition table's, through ``task_may_act``);
- approved → the prefecture's team of the département;
- signed → the CGET's referents;
- and, for every event, those who follow the case and may still see it.
The actor himself is never told. Each gets one notice and, by his preference for the event
type, one email through the outbox (``notifications.notice_services``), exactly once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import NATIONAL_ROLES, Role, User
from notifications.notice_services import notices_create
from reference.models import Department
from workflows.cases.events import case_event
from workflows.cases.registry import kind_of
from workflows.cases.tasks import process_of, task_may_act
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
    return [user for user in candidates if any(task_may_act(user=user, task=task, case=case) for task in tasks)]


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


def recipients_for(*, case: Any, event: str) -> list[User]:
    department_ids = kind_of(case).departments(case)
    if event == "returned":
        people = _prefecture(department_ids, (Role.AGENT, Role.PAQTE_REFERENT))
    elif event == "submitted":
        people = _may_take(case, department_ids)
    elif event == "approved":
        people = _prefecture(department_ids)
    elif event == "signed":
        people = _national(frozenset({Role.CGET_REFERENT}))
    else:
        people = []
    return people + _followers(case)


def case_event_notices(
    sender: Any, *, case: Any, transition: Any, event: str, actor: Any, comment: str, **_: Any
) -> None:
    kind = kind_of(case)
    people = [user for user in recipients_for(case=case, event=event) if actor is None or user.pk != actor.pk]
    if not people:
        return
    # The history row this transition wrote (sent on its commit): the event's identity.
    last = kind.history_of(case).filter(transition=transition.name).order_by("-pk").values_list("pk", flat=True).first()
    department_ids = kind.departments(case)
    department = Department.objects.filter(pk__in=department_ids).order_by("code").first() if department_ids else None
    by = f" par {actor}" if actor is not None else ""
    notices_create(
        recipients=people,
        event=event,
        key=f"{kind.code}:{case.pk}:{last}:{event}",
        title=f"{transition.timeline_label} – {kind.title(case)}",
        body=(f"Motif{by} : {comment}" if comment else f"Le {transition.timeline_label.lower()}{by}.")
        if event == "returned"
        else (f"{comment}" if comment else ""),
        link_path=kind.url(case),
        department=department,
        case=case,
    )


def connect() -> None:
    case_event.connect(case_event_notices, dispatch_uid="inbox.case_event_notices")
