"""The transitions of the prefect's synthesis (circular of 22 January 2019: due on the campaign's « synthesis » date).

draft → prefect_validation → submitted → approved; the valideur may send the draft back, the
CGET may return the submission with a comment. Sending it to the CGET meets the département's
« synthesis » deadline; a return reopens it.
"""

from __future__ import annotations

from workflows.cases.registry import CaseKind, CaseRefused, register
from workflows.cases.transitions import DeadlineEffect, Transition, TransitionTable
from workflows.synthesis.flows import SynthesisFlow
from workflows.synthesis.models import PARTS, Synthesis, SynthesisHistory, length_errors, normalize

DEADLINE = "synthesis"


class SynthesisError(CaseRefused):
    """A refused action on a synthesis, with the French sentence to show."""


def _missing_parts(synthesis: Synthesis) -> str:
    missing = [title for field, title in PARTS if not normalize(getattr(synthesis, field))]
    return "La synthèse est incomplète, renseignez : " + " ; ".join(missing) + "."


REFUSALS = {
    "has_all_parts": _missing_parts,
    "is_within_limit": lambda synthesis: " ".join(length_errors(synthesis.parts)),
}

TRANSITIONS = TransitionTable(
    Transition(
        "send_to_validation",
        "Soumettre à la validation préfectorale",
        done="Synthèse soumise à la validation préfectorale",
        completes="prepare",
        refusals=REFUSALS,
    ),
    Transition(
        "send_back",
        "Renvoyer en rédaction",
        done="Synthèse renvoyée en rédaction par le valideur",
        completes="validate",
        secondary=True,
    ),
    Transition(
        "submit",
        "Valider et transmettre au CGET",
        done="Synthèse transmise au CGET",
        completes="validate",
        refusals=REFUSALS,
        deadlines=(DeadlineEffect("met", DEADLINE, per="department"),),
        event="submitted",
    ),
    Transition(
        "approve", "Approuver la synthèse", done="Synthèse approuvée par le CGET", completes="review", event="approved"
    ),
    Transition(
        "return_to_prefecture",
        "Renvoyer à la préfecture",
        done="Synthèse renvoyée à la préfecture par le CGET",
        completes="review",
        comment_required=True,
        comment_argument="reason",
        secondary=True,
        deadlines=(DeadlineEffect("reopen", DEADLINE, per="department"),),
        event="returned",
    ),
)

KIND = register(
    CaseKind(
        code="synthesis",
        label="Synthèse du préfet",
        model=Synthesis,
        table=TRANSITIONS,
        history=SynthesisHistory,
        history_link="synthesis",
        flow=SynthesisFlow,
        error=SynthesisError,
        denied="Vous n'avez pas le droit de faire cette action sur cette synthèse.",
    )
)
