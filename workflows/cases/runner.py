"""The one way a transition of a case runs, for a user or for Quartiers itself.

``transition_run`` in one transaction: locks the case row, checks that the case is still in the
state its caller saw (django-fsm-2's optimistic locking, ``ConcurrentTransitionMixin``), checks
the user's right (the FSM method's ``permission=``, which goes through guardian), gathers every
refusal at once (state, required comment, each failing guard's French sentence from the
transition table), calls the FSM method, saves, appends the history row, applies the table's
deadline effects, moves the viewflow task, and sends the table's event once committed.

``available_transitions`` is what the pages show as buttons; ``refusals`` is why one would be
refused now. Signals' ``apps/signals/managers.py`` (``update_status``) is the model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model

from django_fsm import ConcurrentTransition

from workflows.cases import tasks
from workflows.cases.events import case_event
from workflows.cases.registry import CaseKind, CaseRefused, kind_of
from workflows.cases.transitions import DeadlineEffect, Transition

M = TypeVar("M", bound=Model)

logger = logging.getLogger(__name__)

COMMENT_REQUIRED = "Un commentaire est obligatoire pour cette action."


def _state_label(case: Any) -> str:
    display = getattr(case, "get_state_display", None)
    return str(display()) if callable(display) else str(getattr(case, "state", ""))


def _fsm_step(case: Any, name: str) -> Any:
    meta = getattr(getattr(case, name, None), "_django_fsm", None)
    if meta is None:
        return None
    return meta.get_transition(case.state)


def refusals(case: Any, name: str, user: Any, *, comment: str = "", kind: CaseKind | None = None) -> list[str]:
    """Every reason why ``user`` may not run ``name`` on ``case`` now (French; empty: allowed).

    A user without the right gets ``PermissionDenied`` (the kind's ``denied`` sentence) rather
    than reasons: nothing of the case is explained to someone who may not act on it."""
    kind = kind or kind_of(case)
    spec = kind.table.get(name)
    if spec is None or getattr(getattr(case, name, None), "_django_fsm", None) is None:
        return ["Action inconnue."]
    step = _fsm_step(case, name)
    if step is None:
        return [f"Cette action n'est pas possible dans l'état « {_state_label(case)} »."]
    if user is not None and not step.has_perm(case, user):
        raise PermissionDenied(kind.denied)
    reasons = []
    if spec.comment_required and not comment.strip():
        reasons.append(COMMENT_REQUIRED)
    for condition in step.conditions:
        if not condition(case):
            reasons.append(kind.table.refusal(condition.__name__, case, spec))
    return reasons


def available_transitions(case: Any, user: Any) -> list[Transition]:
    """The transitions ``user`` may attempt from the case's state, in the table's order (guards
    are checked when it is run, so that a refusal is explained)."""
    found = []
    for spec in kind_of(case).table:
        if spec.system:
            continue
        step = _fsm_step(case, spec.name)
        if step is not None and step.has_perm(case, user):
            found.append(spec)
    return found


def _deadline_apply(case: Any, effect: DeadlineEffect, kind: CaseKind) -> None:
    # The notifications app is below the case kinds and the kernel: imported here only.
    from notifications import services as deadlines

    if effect.when is not None and not effect.when(case):
        return
    occurrence = effect.occurrence(case) if effect.occurrence else None
    if effect.action == "drop":
        deadlines.deadlines_drop_for_case(case=case)
    elif effect.per == "department":
        for department in _departments(case, kind):
            if effect.action == "met":
                deadlines.department_deadline_mark_met(
                    department=department, definition_code=effect.definition, occurrence=occurrence
                )
            elif effect.action == "reopen":
                deadlines.department_deadline_reopen(
                    department=department, definition_code=effect.definition, occurrence=occurrence
                )
    elif effect.action == "create":
        departments = _departments(case, kind)
        try:
            deadlines.deadline_sync_for_case(
                case=case,
                definition_code=effect.definition,
                department=departments[0] if departments else None,
                title=kind.deadline_title(case) if kind.deadline_title else None,
                link_path=kind.url(case) or None,
                due_on=effect.due_on(case) if effect.due_on else None,
                base_date=effect.base_date(case) if effect.base_date else None,
            )
        except deadlines.DeadlineError:
            # No active campaign defines it (the administrateur national switched it off):
            # the case still moves, there is nothing to remind.
            logger.warning("deadline_without_campaign code=%s case=%s", effect.definition, case.pk)
    elif effect.action == "met":
        deadlines.deadline_mark_met(case=case, definition_code=effect.definition)
    elif effect.action == "reopen":
        deadlines.deadline_reopen(case=case, definition_code=effect.definition)


def _departments(case: Any, kind: CaseKind) -> list[Any]:
    from reference.models import Department

    ids = kind.departments(case)
    return list(Department.objects.filter(pk__in=ids).order_by("code")) if ids else []


def transition_run(
    *,
    case: M,
    name: str,
    user: Any,
    comment: str = "",
    seen_state: str | None = None,
    task_pk: int | None = None,
    prepare: Callable[[M], None] | None = None,
    **arguments: Any,
) -> M:
    """Run transition ``name`` on a fresh, locked copy of ``case``; returns the saved copy.

    ``user`` is ``None`` for Quartiers' own transitions (the permission is then not asked).
    ``seen_state``: the state the user's page showed; another state now is a concurrent change.
    ``task_pk``: the task the user is completing (it must still be open and theirs to take).
    ``prepare(locked)``: writes made on the locked case before the guards are read (a task form).
    Refusals raise the kind's ``error`` (a ``CaseRefused``) with every reason at once."""
    kind = kind_of(case)
    spec = kind.table.get(name)
    if spec is None:
        raise kind.error(["Action inconnue."])
    model = type(case)
    with transaction.atomic():
        locked = model._default_manager.select_for_update(of=("self",)).get(pk=case.pk)
        if seen_state is not None and getattr(locked, "state") != seen_state:  # noqa: B009
            raise ConcurrentTransition("Le dossier a changé d'étape depuis son ouverture.")
        if task_pk is not None:  # taken or completed by someone else since the page was opened
            tasks.task_check_open(task_pk=task_pk, user=user)
        if prepare is not None:
            prepare(locked)
        reasons = refusals(locked, name, user, comment=comment, kind=kind)
        if reasons:
            raise kind.error(reasons)
        if spec.comment_argument:
            arguments[spec.comment_argument] = comment.strip()
        source = str(getattr(locked, "state"))  # noqa: B009 (any case model)
        getattr(locked, name)(**arguments)
        locked.save()
        kind.history_append(
            case=locked,
            actor=user,
            transition=name,
            source=source,
            target=str(getattr(locked, "state")),  # noqa: B009 (any case model)
            comment=comment.strip(),
        )
        for effect in spec.deadlines:
            _deadline_apply(locked, effect, kind)
        tasks.tasks_follow(case=locked, transition=spec, user=user, task_pk=task_pk)
        if spec.then is not None:
            spec.then(locked, user)
        if spec.event:
            event_case, actor, text = locked, user, comment.strip()
            transaction.on_commit(
                lambda: case_event.send(
                    sender=model, case=event_case, transition=spec, event=spec.event, actor=actor, comment=text
                )
            )
    return locked


__all__ = ["CaseRefused", "available_transitions", "refusals", "transition_run"]
