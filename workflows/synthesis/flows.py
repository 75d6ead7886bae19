"""The synthesis in viewflow: which human task comes next. The flow only describes the process;
the synthesis's FSM is the one source of the state (the gateways read it).

Each human task is completed by the case transitions done on the synthesis page
(``workflows.cases.runner.transition_run`` calls ``workflow.workflow_on_transition``), as the PAQTE
report does. Unlike PAQTE, the tasks carry the role permission only: the département scope
comes from the synthesis's ``department`` (``workflows.cases.registry``), so they show in
the shared inbox and queue.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from viewflow.workflow import flow

from workflows.cases.flows import QuartiersFlowMixin
from workflows.submissions.flows import SubmissionFlowMixin, submission_nodes
from workflows.synthesis.models import SynthesisProcess

WORK = "workflows.work_synthesis"
VALIDATE = "workflows.validate_synthesis"
REVIEW = "workflows.review_synthesis"


def case_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """The work is done on the synthesis page (our DSFR templates), not in viewflow's views."""
    return redirect("synthesis:list")


class SynthesisFlow(QuartiersFlowMixin, SubmissionFlowMixin, flow.Flow):
    """The flow of every submission to the CGET (``workflows.submissions.flows``): prepare →
    prefect's validation → CGET's review; a send-back returns to the drafting task, a CGET
    return to the correction task."""

    process_class = SynthesisProcess
    process_title = _("Synthèse du préfet")

    locals().update(
        submission_nodes(
            case_page=case_page,
            prepare_title=_("Rédiger la synthèse et la soumettre à la validation préfectorale"),
            work=WORK,
            validate=VALIDATE,
            review=REVIEW,
            validate_title=_("Valider la synthèse au nom du préfet et la transmettre au CGET"),
            review_title=_("Examiner la synthèse (CGET)"),
        )
    )
