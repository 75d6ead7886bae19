"""The one lock of a case, and the one order of the locks.

``case_locked(case)`` opens a transaction and locks the case's row (``SELECT … FOR UPDATE OF``
the case's table alone): what a transition takes (``workflows.cases.runner``) and what a form's
write outside a transition takes (a draft, the commitments, a report's text, a first save), so
that a write never interleaves with a transition of the same case. The case row first, then its
process row (``workflows.cases.tasks.tasks_locked``, the row viewflow's ``select_for_update_lock``
locks), always in that order: no two writers wait on each other.

``state_check`` is django-fsm-2's optimistic check (``ConcurrentTransitionMixin``): the case is
still in the state the user's page showed, or nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model

from django_fsm import ConcurrentTransition

M = TypeVar("M", bound=Model)

STATE_CHANGED = "Le dossier a changé d'étape depuis son ouverture."


def case_lock(model: type[M], *, related: tuple[str, ...] = (), **lookup: Any) -> M | None:
    """The case of ``model`` found by ``lookup``, its row locked for the caller's transaction: a
    fresh copy (with ``related`` read along, unlocked), or None when there is none yet (a first
    save creates it; its unique constraint refuses a second one made meanwhile)."""
    rows = model._default_manager.select_for_update(of=("self",)).filter(**lookup)
    found: M | None = (rows.select_related(*related) if related else rows).first()
    return found


@contextmanager
def case_locked(case: M, *, related: tuple[str, ...] = ()) -> Iterator[M]:
    """A transaction holding ``case``'s row lock; yields the fresh, locked copy to write on."""
    model = type(case)
    with transaction.atomic():
        locked = case_lock(model, related=related, pk=case.pk)
        if locked is None:
            raise model.DoesNotExist(f"No {model.__name__} {case.pk}")  # type: ignore[attr-defined]
        yield locked


def state_check(case: Any, seen_state: str | None) -> None:
    """``ConcurrentTransition`` (the French sentence) when the case left ``seen_state``."""
    if seen_state is not None and getattr(case, "state") != seen_state:  # noqa: B009 (any case model)
        raise ConcurrentTransition(STATE_CHANGED)
