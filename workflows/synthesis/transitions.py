"""The transitions of the prefect's synthesis (circular of 22 January 2019: due on the campaign's
« synthesis » date): the table of every submission to the CGET, with the synthesis's guards.
"""

from __future__ import annotations

from workflows.cases.registry import CaseKind, CaseRefused, register
from workflows.submissions.transitions import submission_table
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

# The submission's table (``workflows.submissions.transitions``): sending the synthesis to the
# CGET meets the département's « synthesis » deadline, a return reopens it.
TRANSITIONS = submission_table(DEADLINE, refusals=REFUSALS)

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
