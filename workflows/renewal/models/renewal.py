"""The renovation of one contrat de ville: the case and its state machine.

Transitions only change the object in memory; the case kernel's runner saves them inside
``transaction.atomic`` with a history row. Guards only answer a question; the French reason of
a refusal is in the transition table (``workflows.renewal.transitions``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from notifications.campaign import campaign_calendar
from workflows.cases.transitions import guard


class RenewalState(models.TextChoices):
    NOT_STARTED = "not_started", _("Non commencée")
    EVALUATION = "evaluation", _("Évaluation à mi-parcours")
    NEGOTIATION = "negotiation", _("Protocole d'engagements")
    PREFECT_VALIDATION = "prefect_validation", _("Validation préfectorale")
    CGET_REVIEW = "cget_review", _("Revue du CGET")
    SIGNATURE = "signature", _("Signature")
    SIGNED = "signed", _("Signée")


# The six steps of the stepper (not_started is "before step 1").
STEPS = [
    RenewalState.EVALUATION,
    RenewalState.NEGOTIATION,
    RenewalState.PREFECT_VALIDATION,
    RenewalState.CGET_REVIEW,
    RenewalState.SIGNATURE,
    RenewalState.SIGNED,
]

WORK = "workflows.work_renewal"
VALIDATE = "workflows.validate_renewal"
REVIEW = "workflows.review_renewal"
LAUNCH_ALL = "workflows.launch_all_renewals"


def _in_scope(renewal: Any, user: Any) -> bool:
    """The case's département is one of the user's (``accounts.selectors.department_ids``: read
    with his permissions in one query per request, ``accounts.backends``)."""
    from accounts.selectors import sees_department

    return sees_department(user, renewal.department_id)


def may_work(renewal: Any, user: Any) -> bool:
    """Prefecture work: the role permission, on one's own département only."""
    return bool(user.has_perm(WORK) and _in_scope(renewal, user))


def may_launch(renewal: Any, user: Any) -> bool:
    """An agent launches a contract of his département; the administrateur national launches all."""
    return bool(user.has_perm(LAUNCH_ALL) or may_work(renewal, user))


def may_validate(renewal: Any, user: Any) -> bool:
    return bool(user.has_perm(VALIDATE) and _in_scope(renewal, user))


def may_review(renewal: Any, user: Any) -> bool:
    """Any référent CGET reviews any département (national reach)."""
    return bool(user.has_perm(REVIEW))


class Renewal(ConcurrentTransitionMixin, models.Model):
    city_contract = models.OneToOneField(
        "reference.CityContract",
        on_delete=models.PROTECT,
        related_name="renewal",
        verbose_name=_("contrat de ville"),
    )
    # Copied from the contract at creation: every list and queue is scoped on this column.
    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("département"),
    )
    state = FSMField(
        _("étape"), max_length=20, choices=RenewalState.choices, default=RenewalState.NOT_STARTED, protected=True
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)

    # Mid-term evaluation
    evaluation_date = models.DateField(_("date de l'évaluation"), null=True, blank=True)
    evaluation_strengths = models.TextField(_("ce qui fonctionne"), blank=True)
    evaluation_improvements = models.TextField(_("ce qui doit être amélioré"), blank=True)
    councils_consulted_on = models.DateField(_("date de consultation des conseils citoyens"), null=True, blank=True)
    councils_consulted = models.TextField(_("conseils citoyens consultés"), blank=True)

    # Protocole d'engagements renforcés et réciproques
    urban_renewal_project = models.TextField(_("projet de rénovation urbaine"), blank=True)
    educational_city_project = models.TextField(_("cité éducative"), blank=True)
    other_major_projects = models.TextField(_("autres grands projets"), blank=True)
    childhood_parenting = models.TextField(_("volet enfance et soutien à la parentalité"), blank=True)
    merged_contracts = models.ManyToManyField(
        "reference.CityContract",
        blank=True,
        related_name="merged_into_renewals",
        verbose_name=_("contrats communaux fusionnés dans ce contrat d'agglomération"),
    )
    protocol_signatories = models.TextField(_("signataires du protocole"), blank=True)
    return_comment = models.TextField(_("dernier motif de renvoi (préfet ou CGET)"), blank=True)

    # Signature
    signed_on = models.DateField(_("date de signature"), null=True, blank=True)
    signed_by = models.TextField(_("signataires ayant signé"), blank=True)

    class Meta:
        verbose_name = _("rénovation du contrat de ville")
        verbose_name_plural = _("rénovations des contrats de ville")
        ordering = ["city_contract__department_code", "city_contract__code"]
        permissions = [
            ("work_renewal", _("Instruire la rénovation des contrats de ville")),
            ("validate_renewal", _("Valider le protocole au nom du préfet")),
            ("review_renewal", _("Relire les protocoles pour le CGET")),
            ("launch_all_renewals", _("Lancer la rénovation de tous les contrats de ville")),
        ]
        indexes = [models.Index(fields=["department", "state"], name="renewal_department_state")]

    def __str__(self) -> str:
        return f"Rénovation {self.city_contract}"

    # Guards: they only answer.
    @guard
    def has_evaluation_summary(self) -> bool:
        return bool(self.evaluation_date and self.evaluation_strengths.strip() and self.evaluation_improvements.strip())

    @guard
    def has_consulted_councils(self) -> bool:
        return bool(self.councils_consulted_on and self.councils_consulted.strip())

    @guard
    def has_evaluation_document(self) -> bool:
        # A page that listed the documents (prefetched, GET only) does not ask again; a
        # transition, which never prefetches them, reads them as they are.
        listed = getattr(self, "_prefetched_objects_cache", {}).get("documents")
        if listed is not None:
            return any(document.kind == "evaluation" for document in listed)
        return self.documents.filter(kind="evaluation").exists()

    @guard
    def has_commitment(self) -> bool:
        return self.commitments.exists()

    @guard
    def has_childhood_parenting(self) -> bool:
        return bool(self.childhood_parenting.strip())

    @guard
    def has_signatories(self) -> bool:
        return bool(self.protocol_signatories.strip())

    @guard
    def has_signature(self) -> bool:
        return bool(self.signed_on and self.signed_by.strip())

    @guard
    def has_signed_protocol(self) -> bool:
        return self.documents.filter(kind="signed_protocol").exists()

    # Transitions: memory only.
    @transition(field=state, source=RenewalState.NOT_STARTED, target=RenewalState.EVALUATION, permission=may_launch)
    def launch(self) -> None:
        pass

    @transition(
        field=state,
        source=RenewalState.EVALUATION,
        target=RenewalState.NEGOTIATION,
        conditions=[has_evaluation_summary, has_consulted_councils, has_evaluation_document],
        permission=may_work,
    )
    def record_evaluation(self) -> None:
        pass

    @transition(
        field=state,
        source=RenewalState.NEGOTIATION,
        target=RenewalState.PREFECT_VALIDATION,
        conditions=[has_commitment, has_childhood_parenting, has_signatories],
        permission=may_work,
    )
    def build_protocol(self) -> None:
        """The agent hands the protocol to the prefect's valideur."""

    @transition(
        field=state,
        source=RenewalState.PREFECT_VALIDATION,
        target=RenewalState.CGET_REVIEW,
        conditions=[has_commitment, has_childhood_parenting, has_signatories],
        permission=may_validate,
    )
    def validate(self) -> None:
        self.return_comment = ""

    @transition(
        field=state, source=RenewalState.PREFECT_VALIDATION, target=RenewalState.NEGOTIATION, permission=may_validate
    )
    def send_back(self, *, comment: str) -> None:
        """The prefect returns the protocol to the agents, saying what to take up again."""
        self.return_comment = comment

    @transition(field=state, source=RenewalState.CGET_REVIEW, target=RenewalState.SIGNATURE, permission=may_review)
    def approve(self) -> None:
        self.return_comment = ""

    @transition(field=state, source=RenewalState.CGET_REVIEW, target=RenewalState.NEGOTIATION, permission=may_review)
    def return_to_prefecture(self, *, comment: str) -> None:
        self.return_comment = comment

    @transition(
        field=state,
        source=RenewalState.SIGNATURE,
        target=RenewalState.SIGNED,
        conditions=[has_signature, has_signed_protocol],
        permission=may_work,
    )
    def sign(self) -> None:
        pass

    # Reading helpers for pages.
    def days_to_deadline(self, today: datetime.date, deadline: datetime.date | None = None) -> int:
        """Positive: days left before the campaign's signature date; negative: days late. Signed
        cases count at signature."""
        deadline = deadline or campaign_calendar().renewal_signature
        reference = self.signed_on if self.state == RenewalState.SIGNED and self.signed_on else today
        return (deadline - reference).days

    def step_number(self) -> int:
        return STEPS.index(RenewalState(self.state)) + 1 if self.state in STEPS else 0
