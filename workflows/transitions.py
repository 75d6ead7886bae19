"""One way to run a django-fsm-2 transition and record it (issue #6).

``fsm_transition`` locks the case row, says in French why a refused transition is refused
(unknown action, wrong state, a guard's ``refusal``), checks the user's right (the transition's
``permission=``, which goes through guardian), applies the transition in memory, saves and lets
the caller append its history row, all in one transaction.

Used by the steering meetings, the prefect's synthesis and the PAQTE cases
(``workflows.paqte.services.case_transition``). The renovation (``workflows.services``) keeps its
own: it also runs system transitions without a user and reports every refusal at once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model

from accounts.models import User

M = TypeVar("M", bound=Model)


class TransitionRefused(ValueError):
    """A refused transition, with the French sentence to show."""


def transition_refusal(case: Any, name: str, user: User, *, denied: str) -> str | None:
    """Why ``user`` may not run ``name`` on ``case`` now (French), or None if allowed.

    A user without the right gets ``PermissionDenied(denied)`` rather than a sentence."""
    meta = getattr(getattr(case, name, None), "_django_fsm", None)
    if meta is None:
        return "Action inconnue."
    step = meta.get_transition(case.state)
    if step is None:
        return f"Cette action n'est pas possible dans l'état « {case.get_state_display()} »."
    if not step.has_perm(case, user):
        raise PermissionDenied(denied)
    for condition in step.conditions:
        if not condition(case):
            refusal = getattr(case, "refusal", None)
            return str(refusal(condition.__name__)) if refusal else "Cette action n'est pas possible."
    return None


def fsm_transition(
    *,
    case: M,
    user: User,
    name: str,
    allowed: Collection[str] | None,
    record: Callable[[M, str], Any],
    denied: str = "Vous n'avez pas le droit de faire cette action.",
    error: type[ValueError] = TransitionRefused,
    comment: str = "",
    comment_required: bool = False,
    **kwargs: Any,
) -> M:
    """Run transition ``name`` (one of ``allowed``; ``None``: any transition of the model) on a
    fresh, locked copy of ``case``.

    ``record(locked, source_state)`` appends the history row (and does any other write that
    belongs to the transition) inside the same transaction. Returns the saved copy.
    Refusals raise ``error`` (a ``ValueError`` subclass) with a French sentence."""
    if allowed is not None and name not in allowed:
        raise error("Action inconnue.")
    model = type(case)
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=case.pk)
        refusal = transition_refusal(locked, name, user, denied=denied)
        if refusal:
            raise error(refusal)
        if comment_required and not comment.strip():
            raise error("Un commentaire est obligatoire pour cette action.")
        source = str(getattr(locked, "state"))  # noqa: B009 (any FSM case model)
        getattr(locked, name)(**kwargs)
        locked.save()
        record(locked, source)
    return locked
