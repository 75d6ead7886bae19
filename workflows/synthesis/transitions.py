"""The transitions of the prefect's synthesis (circular of 22 January 2019: due on the campaign's
« synthesis » date): the table of every submission to the CGET, with the synthesis's guards.
"""

from __future__ import annotations

from typing import Any

from notifications.campaign import campaign_today
from workflows.cases.registry import CaseKind, CaseRefused, register
from workflows.submissions.transitions import submission_table
from workflows.synthesis import compliance  # noqa: F401  (registers the synthesis's compliance rules)
from workflows.synthesis.flows import SynthesisFlow
from workflows.synthesis.models import Synthesis, SynthesisHistory
from workflows.synthesis.selectors import renovation_state

DEADLINE = "synthesis"


class SynthesisError(CaseRefused):
    """A refused action on a synthesis, with the French sentence to show."""


# The submission's table (``workflows.submissions.transitions``): sending the synthesis to the
# CGET meets the département's « synthesis » deadline, a return reopens it. Its four parts and its
# five pages are compliance rules (``workflows.synthesis.compliance``), quoted when they refuse.


def _renovation_frozen(synthesis: Synthesis) -> dict[str, Any]:
    """The renovation table of the département as it stands the day the synthesis is transmitted
    to the CGET (the circular's annex: the synthesis inserts it), read under the case's lock."""
    return renovation_state(department=synthesis.department, today=campaign_today()).as_json()


TRANSITIONS = submission_table(DEADLINE, snapshot={"renovation": _renovation_frozen})

KIND = register(
    CaseKind(
        code="synthesis",
        label="Synthèse du préfet",
        model=Synthesis,
        table=TRANSITIONS,
        history=SynthesisHistory,
        history_link="synthesis",
        flow=SynthesisFlow,
        name=lambda synthesis: f"Synthèse {synthesis.year}",
        error=SynthesisError,
        denied="Vous n'avez pas le droit de faire cette action sur cette synthèse.",
    )
)
