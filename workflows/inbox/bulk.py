"""Bulk actions on a selection of the inbox (démarches-simplifiées' ``batch_operation.rb``, ≤ 500):
take, hand over to a colleague, remind, and launch the renovations of selected contracts.

Each item goes through the kernel exactly as one click would (``workflows.cases.tasks``'
``task_assign`` / ``task_reassign``, the runner's ``transition_run`` through
``renewal_launch``), one transaction each: what was done stays done, and every refusal is the
kernel's own French sentence. A task outside the user's scope (a forged selection) is refused
and listed, never touched."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from viewflow.workflow.status import STATUS

from accounts.models import User
from accounts.selectors import department_scope, scoped, sees_all_departments
from notifications.campaign import campaign_today
from notifications.notice_services import notices_create
from reference.models import CityContract
from workflows.cases.kept import kept_get, kept_set
from workflows.cases.registry import CaseRefused, kind_of
from workflows.cases.tasks import TaskUnavailable, task_assign, task_may_act, task_reassign
from workflows.inbox import counts, selectors
from workflows.inbox.selectors import AnyUser, TaskRow

MAX_SELECTION = 500

ACTIONS = {
    "prendre": "Prendre",
    "confier": "Confier à un collègue",
    "relancer": "Relancer",
}
DONE_WORDS = {
    "prendre": "prise",
    "confier": "confiée",
    "relancer": "relancée",
    "lancer": "lancée",
}
OUT_OF_SCOPE = "Introuvable dans votre périmètre : aucune action n'a été faite."


@dataclass
class Item:
    label: str
    url: str = ""
    reason: str = ""


@dataclass
class BulkResult:
    action: str
    done: list[Item] = field(default_factory=list)
    refused: list[Item] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.refused)

    def summary(self) -> str:
        """The French sentence of what was done (« 12 tâches prises, 3 refusées. »)."""
        word = DONE_WORDS.get(self.action, "traitée")
        noun = "rénovation" if self.action == "lancer" else "tâche"
        done = len(self.done)
        text = f"{done} {noun}{'s' if done > 1 else ''} {word}{'s' if done > 1 else ''}"
        if self.refused:
            refused = len(self.refused)
            text += f", {refused} refusée{'s' if refused > 1 else ''}"
        return text + "."

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "summary": self.summary(),
            "done": [item.__dict__ for item in self.done],
            "refused": [item.__dict__ for item in self.refused],
        }


def selection_parse(values: Iterable[str]) -> list[int]:
    """The selected numbers, in order, without repeats; a selection beyond 500 is refused."""
    seen: dict[int, None] = {}
    for value in values:
        if str(value).isdigit():
            seen[int(value)] = None
    if len(seen) > MAX_SELECTION:
        raise ValueError(f"Une action groupée porte sur {MAX_SELECTION} éléments au plus ({len(seen)} sélectionnés).")
    return list(seen)


def _scoped_rows(user: AnyUser, task_pks: list[int], *, include_done: bool = False) -> dict[int, TaskRow]:
    """The selected open tasks the user may see (his départements' open tasks, or the CGET's
    review; and his own finished ones with ``include_done``); the others are not found."""
    visible = selectors.tab_tasks(user=user, tab="tous")
    if include_done:
        visible = visible | selectors.tab_tasks(user=user, tab="traites")
    if selectors.review_permissions(user):
        visible = visible | selectors.tab_tasks(user=user, tab=selectors.REVIEW_TAB.code)
    tasks = selectors.tab_page_tasks(visible.filter(pk__in=task_pks))
    return {row.task.pk: row for row in selectors.task_rows(tasks)}


def _label(row: TaskRow) -> str:
    return f"{row.task.title} – {row.kind_label} {row.case_title}".strip()


def _refusal(error: Exception) -> str:
    if isinstance(error, CaseRefused):
        return " ".join(str(reason) for reason in error.reasons)
    return str(error) or "Action refusée."


def _remind(*, row: TaskRow, user: Any) -> None:
    """A notice (and its email, through the outbox) to the task's owner: once a day per task."""
    owner = row.task.owner
    if owner is None:
        raise TaskUnavailable("Cette tâche est dans la file du département : personne n'est à relancer.")
    if owner.pk == user.pk:
        raise TaskUnavailable("Cette tâche est la vôtre.")
    today = campaign_today()
    created = notices_create(
        recipients=[owner],
        event="other",
        key=f"relance:{row.task.pk}:{today.isoformat()}",
        title=f"Relance : « {row.task.title} » – {row.kind_label} {row.case_title}",
        body=f"{user} vous relance sur cette tâche.",
        link_path=row.url,
        department=row.department,
        case=row.case,
    )
    if not created:
        raise TaskUnavailable(f"{owner} a déjà été relancé(e) aujourd'hui pour cette tâche.")


def _hand_over(*, row: TaskRow, user: Any, to: User) -> None:
    """Hand one's task to ``to``; a task still in the queue is taken first (both or neither)."""
    kind = row.kind
    assert kind is not None
    if row.task.owner_id not in (None, user.pk):
        raise TaskUnavailable(
            f"Cette tâche est attribuée à {row.task.owner} : seul(e) {row.task.owner} peut la confier."
        )
    with transaction.atomic():
        if row.task.owner_id is None:
            task_assign(kind=kind, task_pk=row.task.pk, user=user)
        task_reassign(kind=kind, task_pk=row.task.pk, user=user, to=to)


def bulk_tasks(
    *,
    user: Any,
    action: str,
    task_pks: list[int],
    to: User | None = None,
    progress: Callable[[int], object] | None = None,
) -> BulkResult:
    """Run ``action`` on each selected task through the kernel; what was done and what was
    refused and why (the kernel's sentences)."""
    if action not in ACTIONS:
        raise ValueError("Action inconnue.")
    if action == "confier" and to is None:
        raise ValueError("Choisissez le collègue à qui confier les tâches.")
    result = BulkResult(action=action)
    rows = _scoped_rows(user, task_pks)
    for number, pk in enumerate(task_pks, start=1):
        row = rows.get(pk)
        if row is None or row.kind is None:
            result.refused.append(Item(label=f"Tâche n° {pk}", reason=OUT_OF_SCOPE))
        else:
            try:
                if row.task.status not in (STATUS.NEW, STATUS.ASSIGNED):
                    raise TaskUnavailable("Cette tâche est déjà terminée.")
                if action == "prendre":
                    task_assign(kind=row.kind, task_pk=pk, user=user)
                elif action == "confier":
                    assert to is not None
                    _hand_over(row=row, user=user, to=to)
                else:
                    _remind(row=row, user=user)
            except (TaskUnavailable, PermissionDenied, CaseRefused) as error:
                result.refused.append(Item(label=_label(row), url=row.url, reason=_refusal(error)))
            else:
                result.done.append(Item(label=_label(row), url=row.url))
        if progress is not None:
            progress(number)
    return result


def bulk_launch(*, user: Any, contract_pks: list[int], progress: Callable[[int], object] | None = None) -> BulkResult:
    """Launch the renovation of each selected contract (``renewal_launch``: the runner's
    ``launch`` transition and the flow), one transaction each."""
    from workflows.renewal.services import renewal_launch

    result = BulkResult(action="lancer")
    contracts = {
        contract.pk: contract
        for contract in scoped(CityContract.objects.select_related("department"), user).filter(pk__in=contract_pks)
    }
    for number, pk in enumerate(contract_pks, start=1):
        contract = contracts.get(pk)
        if contract is None:
            result.refused.append(Item(label=f"Contrat n° {pk}", reason=OUT_OF_SCOPE))
        else:
            try:
                renewal, launched = renewal_launch(city_contract=contract, user=user)
            except (PermissionDenied, CaseRefused) as error:
                result.refused.append(Item(label=str(contract), reason=_refusal(error)))
            else:
                url = kind_of(renewal).url(renewal)
                if launched:
                    result.done.append(Item(label=str(contract), url=url))
                else:
                    result.refused.append(Item(label=str(contract), url=url, reason="Sa rénovation était déjà lancée."))
        if progress is not None:
            progress(number)
    return result


def _colleagues(user: Any) -> QuerySet[User]:
    """The active users of the user's départements' préfectures (a national user: those of his
    own organisation), himself left out."""
    people = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if sees_all_departments(user):
        return people.filter(organisation_id=user.organisation_id)
    return people.filter(organisation__department__in=department_scope(user).values("pk"))


def colleagues(*, user: Any) -> list[User]:
    """Whom the user may hand tasks to, by name."""
    if not user.is_authenticated:
        return []
    return list(_colleagues(user).select_related("organisation").order_by("last_name", "first_name", "email"))


def colleague_choices(*, user: Any) -> list[tuple[int, str]]:
    """The same colleagues as (id, « Prénom Nom – Préfecture ») for the inbox's select, read as
    values: a département of 500 agents made 1,000 model objects on every page (benchmarks/RESULTS.md)."""
    if not user.is_authenticated:
        return []
    rows = (
        _colleagues(user)
        .order_by("last_name", "first_name", "email")
        .values_list("pk", "first_name", "last_name", "email", "organisation__name")
    )
    return [
        (pk, (f"{first} {last}".strip() or email) + (f" – {organisation}" if organisation else ""))
        for pk, first, last, email, organisation in rows
    ]


def colleague_options(*, user: Any) -> SafeString:
    """The « Confier à » select's options as escaped HTML, kept until a user or an organisation
    changes (``counts.colleagues_key``): the list pages write them on every request."""
    if not user.is_authenticated:
        return SafeString("")
    key = counts.colleagues_key(user)
    found = kept_get(key)
    if isinstance(found, str):
        return SafeString(found)  # written below, escaped
    html = format_html_join("", '<option value="{}">{}</option>', colleague_choices(user=user))
    kept_set(key, str(html), timeout=counts.COUNTS_TIMEOUT)
    return html


def colleague_get(*, user: Any, pk: Any) -> User | None:
    if not str(pk or "").isdigit():
        return None
    return next((colleague for colleague in colleagues(user=user) if colleague.pk == int(pk)), None)


def may_hand_over(*, row: TaskRow, to: User) -> bool:
    return row.kind is not None and task_may_act(user=to, task=row.task, case=row.case)


# --- Running a selection: at once, or in the background with its progress ----------------------

# Up to this many items are done within the request, more go to a Celery task whose progress
# the result page polls. Measured on PostgreSQL (2 shared cores, tests/…/test_workspace.py
# setting): a take 24 ms, a hand-over 21 ms (50: about 1 s), a launch 128 ms (flow and
# deadlines: 10 about 1.3 s).
SYNCHRONOUS = 50
SYNCHRONOUS_LAUNCH = 10
OPERATION_TTL = 24 * 3600


def bulk_run(
    *, user: Any, action: str, pks: list[int], to: User | None = None, progress: Callable[[int], object] | None = None
) -> BulkResult:
    if action == "lancer":
        return bulk_launch(user=user, contract_pks=pks, progress=progress)
    return bulk_tasks(user=user, action=action, task_pks=pks, to=to, progress=progress)


def runs_in_background() -> bool:
    """A background action needs a store the web and the worker share: Redis (the cache). In
    the embedded mode (no Redis) every action is done within the request."""
    return bool(settings.REDIS_URL) or bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


# What ``secrets.token_urlsafe(16)`` gives: anything else in the address is no operation's (and
# never reaches the cache as a key of any length).
OPERATION_KEY = re.compile(r"[A-Za-z0-9_-]{22}")


def _operation_key(key: str) -> str:
    return f"inbox-bulk:{key}"


def operation_create(*, user: Any, action: str, total: int, back: str) -> str:
    key = secrets.token_urlsafe(16)
    cache.set(
        _operation_key(key),
        {"owner": user.pk, "action": action, "total": total, "done": 0, "finished": False, "back": back},
        OPERATION_TTL,
    )
    return key


def operation_update(key: str, **changes: Any) -> None:
    state = cache.get(_operation_key(key)) or {}
    state.update(changes)
    cache.set(_operation_key(key), state, OPERATION_TTL)


def operation_get(*, user: Any, key: str) -> dict[str, Any] | None:
    """The state of one's own background action (another user's is not found)."""
    if not OPERATION_KEY.fullmatch(key):
        return None
    state = cache.get(_operation_key(key))
    if not state or state.get("owner") != user.pk:
        return None
    return {name: value for name, value in state.items() if name != "owner"}


def selection_rows(*, user: Any, task_pks: list[int], include_done: bool = False) -> list[TaskRow]:
    """The selected tasks the user may see, in the order selected (for an export)."""
    rows = _scoped_rows(user, task_pks, include_done=include_done)
    return [rows[pk] for pk in task_pks if pk in rows]
