"""The PAQTE work in viewflow: which human task comes next for each case. The flows only
describe the process; the case's FSM is the one source of the state.

Each human task is completed by the case transitions its table declares
(``workflows.paqte.transitions``), done on the case's page; gateways read the case state.

Task permissions: each task carries the role permission of the work (``work_paqte`` for the
prefecture's agents, ``validate_paqte`` for the valideur, ``review_paqte`` for the CGET); the
inbox (``workflows.inbox``) scopes them by the case's département like every other case kind.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from viewflow import this
from viewflow.workflow import flow

from workflows.cases.flows import QuartiersFlowMixin
from workflows.paqte.models import PaqteProcess
from workflows.submissions.flows import SubmissionFlowMixin, submission_nodes


def case_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """The work is done on the case's page (our DSFR templates), not in viewflow's views."""
    return redirect("paqte:home")


WORK = "workflows.work_paqte"
VALIDATE = "workflows.validate_paqte"
REVIEW = "workflows.review_paqte"


def prefecture_step(title: Any, permission: str = WORK) -> Any:
    """A task of the département's PAQTE work: the case page, for that role of the département."""
    return flow.View(case_page).Annotation(title=title).Permission(permission)


class PaqteFlowMixin(QuartiersFlowMixin):
    process_class = PaqteProcess

    def start_case(self, activation: Any, case: Any) -> Any:
        process = activation.process
        process.artifact = case
        return process


class PaqteConventionFlow(PaqteFlowMixin, flow.Flow):
    process_title = _("Convention PAQTE")

    start = flow.StartHandle(this.start_case).Next(this.negotiate)
    negotiate = prefecture_step(_("Définir les objectifs et ouvrir la négociation")).Next(this.sign)
    sign = prefecture_step(_("Enregistrer la signature de la convention")).Next(this.activate)
    activate = prefecture_step(_("Mettre en œuvre la convention")).Next(this.follow_up)
    follow_up = prefecture_step(_("Suivre les résultats semestriels jusqu'à l'échéance")).Next(this.end)
    end = flow.End()


class CharterConventionFlow(PaqteFlowMixin, flow.Flow):
    process_title = _("Convention de la Charte entreprises et quartiers")

    start = flow.StartHandle(this.start_case).Next(this.offer)
    offer = prefecture_step(_("Proposer le PAQTE à l'entreprise")).Next(this.conclude)
    conclude = prefecture_step(_("Transformer la convention en PAQTE ou enregistrer le refus")).Next(this.end)
    end = flow.End()


class PaqteSubmissionFlowMixin(PaqteFlowMixin, SubmissionFlowMixin):
    """A PAQTE submission's flow (``workflows.submissions.flows``), on the PAQTE process."""


def paqte_submission_nodes(prepare_title: Any) -> dict[str, Any]:
    return submission_nodes(
        case_page=case_page, prepare_title=prepare_title, work=WORK, validate=VALIDATE, review=REVIEW
    )


class ReferentDesignationFlow(PaqteSubmissionFlowMixin, flow.Flow):
    process_title = _("Désignation du référent PAQTE")
    locals().update(paqte_submission_nodes(_("Désigner le référent PAQTE et le soumettre à la validation")))


class SemesterReportFlow(PaqteSubmissionFlowMixin, flow.Flow):
    process_title = _("Bilan semestriel PAQTE")
    locals().update(paqte_submission_nodes(_("Compléter le bilan semestriel et le soumettre à la validation")))


PAQTE_FLOWS: list[type[Any]] = [PaqteConventionFlow, CharterConventionFlow, ReferentDesignationFlow, SemesterReportFlow]
