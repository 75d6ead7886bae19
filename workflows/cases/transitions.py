"""How a case kind declares its transitions: one table, read by everything else.

Each case kind has a ``transitions.py`` with one ``TransitionTable``: for each transition its
name (the FSM method of the case), its label (the button), what the timeline says once it is
done, whether a comment is required (and which argument of the FSM method receives it), the
human task it completes, its deadline effects, the event it emits, the French sentence
shown for each guard that refuses it, what it freezes (``snapshot``) and the case it creates
(``creates``), both computed by the runner under the case's lock. The source and target states, and who may, stay on the
FSM method (django-fsm-2's ``source``/``target``/``permission``): declared once, read from there.

Like les-emplois' ``JobApplicationWorkflow`` (``itou/job_applications/models.py``) and signals'
``workflow.py``, the table is the one place that keys on transition names: views, flows,
exports and notifications read it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

DeadlineAction = Literal["create", "met", "reopen", "drop"]


@dataclass(frozen=True)
class DeadlineEffect:
    """What a transition does to a deadline of the campaign (``notifications``).

    ``per="case"``: the case's own deadline (``definition``), created with ``create``'s dates
    (``due_on``/``base_date`` read on the case) and the case's title and link.
    ``per="department"``: the département's deadline (its occurrence read on the case, e.g.
    ``2019-S1``). ``drop`` removes every deadline of the case.
    """

    action: DeadlineAction
    definition: str = ""
    per: Literal["case", "department"] = "case"
    occurrence: Callable[[Any], str | None] | None = None
    due_on: Callable[[Any], Any] | None = None
    base_date: Callable[[Any], Any] | None = None
    when: Callable[[Any], bool] | None = None  # only for the cases it holds for


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    done: str = ""  # what the timeline says ("Protocole transmis au CGET"); the label by default
    comment_required: bool = False
    comment_argument: str = ""  # the FSM method's argument that receives the comment (e.g. "reason")
    completes: str = ""  # the human task node this transition completes
    deadlines: tuple[DeadlineEffect, ...] = ()
    event: str = ""  # emitted on commit through ``workflows.cases.events.case_event``
    # Its comment is a message of the case's prefecture ↔ CGET thread (a CGET return's reason):
    # the thread reads it from the history row (``workflows.cases.note_services.thread_of``).
    message: bool = False
    secondary: bool = False  # a button of lesser weight (send back, terminate…)
    # guard name → French sentence, or a function of the case giving it (it may name what is missing)
    refusals: Mapping[str, str | Callable[[Any], str]] = field(default_factory=dict)
    system: bool = False  # run by Quartiers itself (bulk launch, expiry…), never a button
    # The kind's blocking compliance rules refuse it too, each with its quoted sentence
    # (``workflows.cases.compliance``): the submissions a prefecture sends on.
    checklist: bool = False
    asks: tuple[str, ...] = ()  # what the button's form asks for, passed to the FSM method ("signed_on")
    # A write that belongs to the transition beyond its deadlines (the follow-ups of a signed
    # protocol, the charter migration deadline of the département): ``then(case, user)``.
    then: Callable[[Any, Any], None] | None = None
    # Arguments of the FSM method computed on the locked case once its refusals passed, just before
    # the method runs: argument → function of the case (the renovation table a synthesis freezes
    # when it is transmitted to the CGET). Read under the row lock, so that what is frozen is the
    # state the transition moved from, never a page's older copy.
    snapshot: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    # The case this transition creates (a renewed convention's successor, the PAQTE convention a
    # charter becomes): ``creates(case, user)``, run by the runner under the lock once the case
    # has moved and its history row is written, before the deadlines and ``then``. The pages
    # then go to it (``workflows.cases.runner.created_by``), with ``created`` as their message.
    creates: Callable[[Any, Any], Any] | None = None
    created: str = ""

    @property
    def timeline_label(self) -> str:
        return self.done or self.label

    @property
    def comment_readers(self) -> str:
        """Who reads the required comment, as its form's hint says it (French, lower case): a
        message of the thread goes to the prefecture with the CGET's exchanges; a return without
        one (a valideur's) goes to the agent and stays inside the prefecture."""
        if not self.comment_required:
            return ""
        if self.message:
            return "il est transmis à la préfecture, dans les échanges avec le CGET, et gardé dans l'historique"
        if self.event == "returned":
            return "il est transmis à l'agent et gardé dans l'historique"
        return "il est gardé dans l'historique du dossier"


class TransitionTable:
    """The transitions of one case kind, in the order of their buttons."""

    def __init__(self, *transitions: Transition, created: str = "Création") -> None:
        self._by_name = {transition.name: transition for transition in transitions}
        assert len(self._by_name) == len(transitions), "a transition is declared twice"
        self.created = created  # what the timeline says of the case's first row

    def __iter__(self) -> Iterator[Transition]:
        return iter(self._by_name.values())

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Transition:
        return self._by_name[name]

    def get(self, name: str) -> Transition | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return list(self._by_name)

    def completing(self, node: str) -> list[Transition]:
        """The transitions that complete the task ``node`` (its decisions)."""
        return [transition for transition in self if transition.completes == node]

    def timeline_label(self, name: str) -> str:
        if name == "create":
            return self.created
        found = self._by_name.get(name)
        return found.timeline_label if found else name

    def refusal(self, guard: str, case: Any, transition: Transition | None = None) -> str:
        """The French sentence of a failing guard: the transition's own, else the first one the
        table declares for that guard."""
        found: str | Callable[[Any], str] | None = transition.refusals.get(guard) if transition else None
        for other in self:
            if found is not None:
                break
            found = other.refusals.get(guard)
        if found is None:
            return "Cette action n'est pas possible."
        return found(case) if callable(found) else found


GUARD_MEMO = "_quartiers_guards"


def guard(function: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """A guard of a transition (django-fsm-2's ``conditions=``), read once per run: the runner
    explains a refusal from it, then django-fsm-2 asks it again when the FSM method runs; during
    the run (``GUARD_MEMO`` set on the locked case by ``workflows.cases.runner``) the second
    answer is the first one, so a guard that queries (``commitments.exists()``) queries once."""

    @functools.wraps(function)
    def memoized(case: Any) -> bool:
        memo: dict[Any, bool] | None = case.__dict__.get(GUARD_MEMO)
        if memo is None:
            return function(case)
        if function not in memo:
            memo[function] = function(case)
        return memo[function]

    return memoized
