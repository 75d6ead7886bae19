"""What a prefecture sends to the CGET, one state machine for every kind of submission: the PAQTE
référent's contact (15 February), the prefect's synthesis (15 March), the semestrial PAQTE report
(annex 2). draft → prefect_validation → submitted → approved | returned; returned → submitted
once corrected (DESIGN.md, "Submissions to the CGET").

Each concrete submission says who may work, validate and review it (``may_work``,
``may_validate``, ``may_review``): the FSM ``permission=`` of every transition asks them."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PREFECT_VALIDATION = "prefect_validation", _("En validation préfectorale")
    SUBMITTED = "submitted", _("Transmis au CGET")
    APPROVED = "approved", _("Approuvé par le CGET")
    RETURNED = "returned", _("Renvoyé par le CGET")


def _may_work(instance: Any, user: Any) -> bool:
    return bool(instance.may_work(user))


def _may_validate(instance: Any, user: Any) -> bool:
    return bool(instance.may_validate(user))


def _may_review(instance: Any, user: Any) -> bool:
    return bool(instance.may_review(user))


class Submission(ConcurrentTransitionMixin, models.Model):
    State = SubmissionState

    department = models.ForeignKey("reference.Department", on_delete=models.PROTECT, verbose_name=_("département"))
    state = FSMField(
        _("état"), max_length=20, choices=SubmissionState.choices, default=SubmissionState.DRAFT, protected=True
    )
    submitted_at = models.DateTimeField(_("transmis le"), null=True, blank=True)
    return_comment = models.TextField(_("motif du renvoi"), blank=True)

    class Meta:
        abstract = True

    # Who may do what: each concrete submission answers.
    def may_work(self, user: Any) -> bool:
        raise NotImplementedError

    def may_validate(self, user: Any) -> bool:
        raise NotImplementedError

    def may_review(self, user: Any) -> bool:
        raise NotImplementedError

    @transition(state, source=State.DRAFT, target=State.PREFECT_VALIDATION, permission=_may_work)
    def send_to_validation(self) -> None:
        pass

    @transition(state, source=State.PREFECT_VALIDATION, target=State.DRAFT, permission=_may_validate)
    def send_back(self, *, reason: str) -> None:
        """The prefect's valideur returns the draft to the agent, saying what to take up again
        (kept as the CGET's return keeps its reason: the history row shows it to the agent)."""
        self.return_comment = reason

    @transition(state, source=State.PREFECT_VALIDATION, target=State.SUBMITTED, permission=_may_validate)
    def validate(self) -> None:
        self.submitted_at = timezone.now()

    @transition(state, source=State.SUBMITTED, target=State.APPROVED, permission=_may_review)
    def approve(self) -> None:
        self.return_comment = ""

    @transition(state, source=State.SUBMITTED, target=State.RETURNED, permission=_may_review)
    def return_to_prefecture(self, *, reason: str) -> None:
        self.return_comment = reason

    @transition(state, source=State.RETURNED, target=State.SUBMITTED, permission=_may_work)
    def resubmit(self) -> None:
        self.submitted_at = timezone.now()

    @property
    def is_editable(self) -> bool:
        return self.state in (SubmissionState.DRAFT, SubmissionState.RETURNED)
