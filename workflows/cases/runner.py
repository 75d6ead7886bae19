"""The one way a transition of a case runs, for a user or for Quartiers itself.

``transition_run`` in one transaction: locks the case row, checks that the case is still in the
state its caller saw (django-fsm-2's optimistic locking, ``ConcurrentTransitionMixin``), checks
the user's right (the FSM method's ``permission=``, which goes through guardian), gathers every
refusal at once (state, required comment, each failing guard's French sentence from the
transition table), calls the FSM method, saves, appends the history row, applies the table's
deadline effects, moves the viewflow task, and sends the table's event once committed. What the
table declares the transition freezes (``snapshot``) or creates (``creates``) is computed there,
under the lock, once the refusals passed.

``available_transitions`` is what the pages show as buttons; ``refusals`` is why one would be
refused now. Signals' ``apps/signals/managers.py`` (``update_status``) is the model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, prefetch_related_objects

from workflows.cases import compliance, tasks
from workflows.cases.events import case_event_after_commit
from workflows.cases.locks import case_locked, state_check
from workflows.cases.registry import CaseKind, CaseRefused, kind_of
from workflows.cases.transitions import GUARD_MEMO, DeadlineEffect, Transition

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
    broken = compliance.blocking_findings(case, kind_code=kind.code) if spec.checklist else []
    # A failing guard that a broken compliance rule answers for is explained by the rule's
    # quoted sentence, once.
    answered = {finding.rule.guard for finding in broken}
    for condition in step.conditions:
        if condition.__name__ not in answered and not condition(case):
            reasons.append(kind.table.refusal(condition.__name__, case, spec))
    reasons.extend(finding.rule.refusal(case) for finding in broken)
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
    if task_pk is not None:
        with tasks.task_held(kind, task_pk, user, seen_state) as hold:
            if hold.case.pk != case.pk:
                raise PermissionDenied("Cette action ne termine pas cette tâche.")
            return _run(kind, hold, name=name, user=user, comment=comment, prepare=prepare, arguments=arguments)
    with case_locked(case) as locked:
        state_check(locked, seen_state)
        return _run(
            kind,
            tasks.TaskHold(locked, tasks.tasks_locked(case=locked, kind=kind)),
            name=name,
            user=user,
            comment=comment,
            prepare=prepare,
            arguments=arguments,
        )


def task_complete(
    *,
    kind: CaseKind,
    task_pk: int,
    user: Any,
    transition: str | None = None,
    comment: str = "",
    prepare: Callable[[Any], None] | None = None,
    seen_state: str | None = None,
) -> Any:
    """Complete the human task ``task_pk`` of ``kind`` (taking it first if it is in the queue) by
    its transition: the one its node's table declares, or the decision ``transition`` among them.
    ``seen_state``: the state the user's page showed (another one now: ``ConcurrentTransition``).

    The task is read once, under the process lock: the case row is locked first, found from the
    task number (``Task.DoesNotExist`` for a task of another kind)."""
    with tasks.task_held(kind, task_pk, user, seen_state) as hold:
        return _run(kind, hold, name=transition, user=user, comment=comment, prepare=prepare)


CREATED = "_quartiers_created"


def created_by(case: Any) -> Any:
    """The case the transition just run on ``case`` created (its table's ``creates``), if any:
    the page goes on to it."""
    return case.__dict__.get(CREATED)


def _run(
    kind: CaseKind,
    hold: tasks.TaskHold,
    *,
    name: str | None,
    user: Any,
    comment: str = "",
    prepare: Callable[[Any], None] | None = None,
    arguments: dict[str, Any] | None = None,
) -> Any:
    """The transition on the case ``hold`` locked (its task, when one is being completed),
    inside the caller's transaction."""
    arguments = dict(arguments or {})
    locked, held, chosen = hold.case, hold.held, hold.task
    if chosen is not None:
        decisions = [spec.name for spec in kind.table.completing(chosen.flow_task.name)]
        name = name or (decisions[0] if decisions else None)
        if name not in decisions:
            raise PermissionDenied("Cette action ne termine pas cette tâche.")
        step = _fsm_step(locked, name)
        if user is not None and step is not None and not step.has_perm(locked, user):
            raise PermissionDenied(tasks.TASK_DENIED)  # before the form's writes
    spec = kind.table.get(name) if name else None
    if spec is None:
        raise kind.error(["Action inconnue."])
    if prepare is not None:
        prepare(locked)
    locked.__dict__[GUARD_MEMO] = {}  # each guard queries once: for the refusals and for the FSM
    if spec.checklist and kind.checked_related:  # read once for the rules and guards, after the form
        prefetch_related_objects([locked], *kind.checked_related)
    try:
        reasons = refusals(locked, spec.name, user, comment=comment, kind=kind)
        if reasons:
            raise kind.error(reasons)
        if spec.comment_argument:
            arguments[spec.comment_argument] = comment.strip()
        for argument, compute in spec.snapshot.items():  # frozen from the locked case
            arguments[argument] = compute(locked)
        source = str(getattr(locked, "state"))  # noqa: B009 (any case model)
        getattr(locked, spec.name)(**arguments)
    finally:
        del locked.__dict__[GUARD_MEMO]
        for related in kind.checked_related:  # what follows (``then``, ``creates``) reads them anew
            getattr(locked, "_prefetched_objects_cache", {}).pop(related, None)
    locked.save()
    kind.history_append(
        case=locked,
        actor=user,
        transition=spec.name,
        source=source,
        target=str(getattr(locked, "state")),  # noqa: B009 (any case model)
        comment=comment.strip(),
    )
    if spec.creates is not None:  # the case has moved (a renewed convention is no longer open)
        locked.__dict__[CREATED] = spec.creates(locked, user)
    for effect in spec.deadlines:
        _deadline_apply(locked, effect, kind)
    tasks.tasks_follow(case=locked, transition=spec, user=user, held=held, chosen=chosen)
    if spec.then is not None:
        spec.then(locked, user)
    if spec.event:
        case_event_after_commit(case=locked, transition=spec, event=spec.event, actor=user, comment=comment.strip())
    return locked


__all__ = ["CaseRefused", "available_transitions", "created_by", "refusals", "task_complete", "transition_run"]
