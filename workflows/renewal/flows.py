"""Renovation of a contrat de ville: the process only.

Each human task's completion calls exactly one transition of the ``Renewal`` case (the table of
``workflows.renewal.transitions`` says which); the prefect's validation and the CGET's review are
``Decision`` tasks that read the case's state to choose the next task, so the step is never
stored twice.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect

from viewflow import this
from viewflow.workflow import flow

from workflows.cases.flows import Decision, QuartiersFlowMixin
from workflows.renewal.models import Renewal, RenewalProcess, RenewalState
from workflows.renewal.models.renewal import REVIEW, VALIDATE, WORK


def task_view(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
    """The task pages are ours (``workflows:renewal_task``, DSFR templates): viewflow's own task
    URL, if ever routed, sends there. The flow imports no view."""
    return redirect("workflows:renewal_task", process_pk=kwargs["process_pk"], task_pk=kwargs["task_pk"])


class RenewalFlow(QuartiersFlowMixin, flow.Flow):
    process_class = RenewalProcess
    process_title = "Rénovation du contrat de ville"

    start = flow.StartHandle(this.start_renewal).Annotation(title="Lancer la rénovation").Next(this.evaluate)
    evaluate = (
        flow.View(task_view)
        .Permission(WORK)
        .Annotation(title="Enregistrer l'évaluation à mi-parcours")
        .Next(this.build_protocol)
    )
    build_protocol = (
        flow.View(task_view)
        .Permission(WORK)
        .Annotation(title="Construire le protocole d'engagements")
        .Next(this.validate)
    )
    validate = (
        Decision(task_view, this.is_validated)
        .Permission(VALIDATE)
        .Annotation(title="Valider le protocole (préfet)")
        .Next(this.review)
        .Else(this.build_protocol)
    )
    review = (
        Decision(task_view, this.is_approved)
        .Permission(REVIEW)
        .Annotation(title="Revue du CGET")
        .Next(this.sign)
        .Else(this.build_protocol)
    )
    sign = flow.View(task_view).Permission(WORK).Annotation(title="Enregistrer la signature").Next(this.end)
    end = flow.End().Annotation(title="Rénovation signée")

    def start_renewal(self, activation: Any, *, case: Renewal, bulk: bool = False) -> RenewalProcess:
        activation.process.artifact = case
        activation.process.launched_in_bulk = bulk
        return activation.process

    def is_validated(self, activation: Any) -> bool:
        return bool(activation.process.artifact.state == RenewalState.CGET_REVIEW)

    def is_approved(self, activation: Any) -> bool:
        return bool(activation.process.artifact.state == RenewalState.SIGNATURE)
