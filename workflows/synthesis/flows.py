"""The synthesis in viewflow: which human task comes next. The flow only describes the process;
the synthesis's FSM is the one source of the state (the gateways read it).

Each human task is completed by the case transitions done on the synthesis page
(``services.synthesis_transition`` calls ``workflow.workflow_on_transition``), as the PAQTE
report does. Unlike PAQTE, the tasks carry the role permission only: the département scope
comes from the synthesis's ``department`` (``workflows.cases.registry``), so they show in
the shared inbox and queue.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from viewflow import this
from viewflow.workflow import flow

from workflows.cases.flows import QuartiersFlowMixin
from workflows.synthesis.models import Synthesis, SynthesisProcess

WORK = "workflows.work_synthesis"
VALIDATE = "workflows.validate_synthesis"
REVIEW = "workflows.review_synthesis"


def case_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """The work is done on the synthesis page (our DSFR templates), not in viewflow's views."""
    return redirect("synthesis:list")


class SynthesisFlow(QuartiersFlowMixin, flow.Flow):
    """draft → prefect validation → submitted → approved; a send-back or a CGET return goes back
    to the drafting task."""

    process_class = SynthesisProcess
    process_title = _("Synthèse du préfet (15 mars)")

    start = flow.StartHandle(this.start_case).Next(this.prepare)
    prepare = (
        flow.View(case_page)
        .Annotation(title=_("Rédiger la synthèse et la soumettre à la validation préfectorale"))
        .Permission(WORK)
        .Next(this.validate)
    )
    validate = (
        flow.View(case_page)
        .Annotation(title=_("Valider la synthèse au nom du préfet et la transmettre au CGET"))
        .Permission(VALIDATE)
        .Next(this.check_validated)
    )
    check_validated = flow.If(this.is_submitted).Then(this.review).Else(this.prepare)
    review = (
        flow.View(case_page)
        .Annotation(title=_("Examiner la synthèse (CGET)"))
        .Permission(REVIEW)
        .Next(this.check_approved)
    )
    check_approved = flow.If(this.is_approved).Then(this.end).Else(this.prepare)
    end = flow.End()

    def start_case(self, activation: Any, case: Synthesis) -> Any:
        activation.process.artifact = case
        return activation.process

    def is_submitted(self, activation: Any) -> bool:
        return bool(activation.process.artifact.state == Synthesis.State.SUBMITTED)

    def is_approved(self, activation: Any) -> bool:
        return bool(activation.process.artifact.state == Synthesis.State.APPROVED)
