"""The transition table of a submission to the CGET (``workflows.submissions.models``): every
kind of submission shares it; sending it to the CGET meets the département's deadline of its
kind (``definition``), a return by the CGET reopens it, a resubmission meets it again. Both
returns (the valideur's to the agent, the CGET's to the prefecture) say why."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from workflows.cases.transitions import DeadlineEffect, Transition, TransitionTable


def submission_table(
    definition: str,
    *,
    occurrence: Callable[[Any], str | None] | None = None,
    refusals: Mapping[str, str | Callable[[Any], str]] | None = None,
    snapshot: Mapping[str, Callable[[Any], Any]] | None = None,
) -> TransitionTable:
    """The table of a submission (draft → prefect_validation → submitted → approved | returned)
    whose sending to the CGET meets the département's deadline ``definition``. ``refusals``: the
    French sentences of the kind's guards (on sending to validation, to the CGET, and again); the
    kind's blocking compliance rules refuse those three too (``workflows.cases.compliance``).
    ``snapshot``: what the two transmissions to the CGET (``validate``, ``resubmit``) freeze, each
    an argument of their FSM methods computed on the locked case (``Transition.snapshot``)."""
    refusals = refusals or {}
    snapshot = snapshot or {}
    met = (DeadlineEffect("met", definition, per="department", occurrence=occurrence),)
    reopen = (DeadlineEffect("reopen", definition, per="department", occurrence=occurrence),)
    return TransitionTable(
        Transition(
            "send_to_validation",
            "Soumettre à la validation préfectorale",
            done="Soumis à la validation préfectorale",
            completes="prepare",
            refusals=refusals,
            checklist=True,
        ),
        # The valideur's return, like the renovation's (``workflows.renewal.transitions``): its
        # reason is required and the agent is told; it stays inside the prefecture, so it is not
        # a message of the prefecture ↔ CGET thread (no ``message``, unlike the CGET's return).
        Transition(
            "send_back",
            "Renvoyer à l'agent",
            done="Renvoyé en brouillon par le valideur",
            completes="validate",
            comment_required=True,
            comment_argument="reason",
            secondary=True,
            event="returned",
        ),
        Transition(
            "validate",
            "Valider et transmettre au CGET",
            done="Validé par le préfet et transmis au CGET",
            completes="validate",
            refusals=refusals,
            checklist=True,
            deadlines=met,
            event="submitted",
            snapshot=snapshot,
        ),
        Transition("approve", "Approuver", done="Approuvé par le CGET", completes="review", event="approved"),
        Transition(
            "return_to_prefecture",
            "Renvoyer à la préfecture",
            done="Renvoyé à la préfecture par le CGET",
            completes="review",
            comment_required=True,
            comment_argument="reason",
            secondary=True,
            deadlines=reopen,
            event="returned",
            message=True,
        ),
        Transition(
            "resubmit",
            "Transmettre à nouveau au CGET",
            done="Transmis à nouveau au CGET",
            completes="correct",
            refusals=refusals,
            checklist=True,
            deadlines=met,
            event="submitted",
            snapshot=snapshot,
        ),
    )
