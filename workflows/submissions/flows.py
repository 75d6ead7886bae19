"""The one flow of a submission to the CGET: prepare → validate (prefect) → review (CGET) →
approved, or correct → review again once returned. The prefect's validation and the CGET's
review are ``Decision`` tasks: they read the case's state to choose the next task (no gateway
task row, ``workflows.cases.flows``).

``submission_nodes`` builds the nodes for a kind: its case page (the work is done there), its
three role permissions, its task titles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from viewflow import this
from viewflow.workflow import flow

from workflows.cases.flows import Decision
from workflows.submissions.models import SubmissionState


class SubmissionFlowMixin:
    """draft → prefect_validation → submitted → approved | returned; returned → submitted."""

    def start_case(self, activation: Any, case: Any) -> Any:
        process = activation.process
        process.artifact = case
        return process

    def is_submitted(self, activation: Any) -> bool:
        return bool(activation.process.artifact.state == SubmissionState.SUBMITTED)

    def is_approved(self, activation: Any) -> bool:
        return bool(activation.process.artifact.state == SubmissionState.APPROVED)


VALIDATE_TITLE = _("Valider au nom du préfet et transmettre au CGET")
REVIEW_TITLE = _("Examiner l'envoi (CGET)")


def submission_nodes(
    *,
    case_page: Callable[..., Any],
    prepare_title: Any,
    work: str,
    validate: str,
    review: str,
    validate_title: Any = VALIDATE_TITLE,
    review_title: Any = REVIEW_TITLE,
) -> dict[str, Any]:
    def step(title: Any, permission: str) -> Any:
        return flow.View(case_page).Annotation(title=title).Permission(permission)

    def decision(title: Any, permission: str, condition: Any) -> Any:
        return Decision(case_page, condition).Annotation(title=title).Permission(permission)

    return {
        "start": flow.StartHandle(this.start_case).Next(this.prepare),
        "prepare": step(prepare_title, work).Next(this.validate),
        "validate": decision(validate_title, validate, this.is_submitted).Next(this.review).Else(this.prepare),
        "review": decision(review_title, review, this.is_approved).Next(this.end).Else(this.correct),
        "correct": step(_("Corriger et transmettre à nouveau au CGET"), work).Next(this.review),
        "end": flow.End(),
    }
