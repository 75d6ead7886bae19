"""The prefect's synthesis to the ministers, due on the campaign's « synthesis » date.

Circular of 22 January 2019: « Vous transmettrez d'ici au 15 mars […] une synthèse de cinq pages
sur les démarches engagées, les mesures de la feuille de route gouvernementale et du pacte de
Dijon déclinées dans les contrats de ville, l'échéance de rénovation des contrats et les
difficultés rencontrées. » One synthesis per département and campaign year, four required parts.

Length limit matching five pages: **9,000 characters in total for the four parts, spaces and
line breaks included, and at most 10 paragraphs per part**. The PDF (``workflows.synthesis.pdf``)
sets the text in Helvetica 10 pt on 12 pt leading, 2 cm margins: 60 lines of 48 characters per
A4 page even when every character is one of Helvetica's widest glyphs (« — », « Œ », 1 em).
Five pages are 300 lines; the title, the inserted renovation table (fixed size: one row per
step), the four part titles and the page breaks take at most 50, each of the 40 paragraphs
may waste one line and its spacing (at most 55 lines): 195 lines × 48 = 9,360 characters
remain, above the 9,000 allowed. In ordinary French text a line holds ~95 characters, so a
synthesis at the limit takes about three pages. ``tests/workflows/synthesis/test_pdf.py`` builds the
PDF at the limits with those widest glyphs and counts its pages.

The state is a protected FSM field; a transition only changes the object in memory, the service
(``workflows.synthesis.services``) locks the row, checks, saves and appends the history, through
``workflows.transitions.fsm_transition``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_fsm import FSMField, transition
from viewflow.workflow.models import Process

from notifications.campaign import campaign_calendar
from workflows.cases.history import AppendOnlyHistory
from workflows.submissions.models import Submission, SubmissionState
from workflows.synthesis.permissions import can_review, can_validate, can_work

__all__ = ["Synthesis", "SynthesisHistory", "SynthesisProcess"]

TOTAL_MAX_CHARS = 9000
PARAGRAPHS_MAX = 10
# The four parts the circular names, in its order: (field, title).
PARTS: list[tuple[str, str]] = [
    ("steps_taken", "Les démarches engagées"),
    (
        "measures",
        "Les mesures de la feuille de route gouvernementale et du pacte de Dijon déclinées dans les contrats de ville",
    ),
    ("renovation_deadline", "L'échéance de rénovation des contrats de ville"),
    ("difficulties", "Les difficultés rencontrées"),
]
TOTAL_MAX_LABEL = f"{TOTAL_MAX_CHARS:,}".replace(",", "\u202f")  # 9 000
LIMIT_HELP = (
    f"Cinq pages au plus : {TOTAL_MAX_LABEL} caractères au total pour les quatre parties, espaces et retours "
    f"à la ligne compris, et {PARAGRAPHS_MAX} paragraphes au plus par partie. Mis en page dans le PDF (Helvetica "
    "10 points, marges de 2 cm) avec le tableau de l'état de la rénovation, ce texte tient toujours sur cinq "
    "pages A4, même composé des caractères les plus larges."
)


def due_on(year: int) -> datetime.date:
    """The synthesis of ``year`` is due on the campaign's synthesis date (that year)."""
    return campaign_calendar().synthesis_due(year)


def campaign_year() -> int:
    """The year of the active campaign: the default year of a new synthesis."""
    return campaign_calendar().first_year


def normalize(text: str) -> str:
    """Line breaks as the browser counts them (one character), no blank edges."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in normalize(text).split("\n") if line.strip()]


def length_errors(parts: dict[str, str]) -> list[str]:
    """The French errors of the length limit for these four parts (empty list: within it)."""
    errors = []
    total = sum(len(normalize(parts.get(field, ""))) for field, _title in PARTS)
    if total > TOTAL_MAX_CHARS:
        errors.append(
            f"La synthèse compte {total} caractères, espaces compris, pour {TOTAL_MAX_LABEL} au plus "
            f"(cinq pages) : retirez-en {total - TOTAL_MAX_CHARS}."
        )
    for field, title in PARTS:
        count = len(paragraphs(parts.get(field, "")))
        if count > PARAGRAPHS_MAX:
            errors.append(f"« {title} » compte {count} paragraphes pour {PARAGRAPHS_MAX} au plus.")
    return errors


def _can_work(instance: Any, user: Any) -> bool:
    return can_work(user, instance.department)


class SynthesisState(models.TextChoices):
    """The submission's states (same values), said of « la synthèse »."""

    DRAFT = "draft", _("Brouillon")
    PREFECT_VALIDATION = "prefect_validation", _("En validation préfectorale")
    SUBMITTED = "submitted", _("Transmise au CGET")
    APPROVED = "approved", _("Approuvée par le CGET")
    RETURNED = "returned", _("Renvoyée par le CGET")


class Synthesis(Submission):
    """A submission to the CGET (``workflows.submissions``): draft → prefect_validation →
    submitted → approved | returned; the valideur may send the draft back; once returned, the
    prefecture corrects it and transmits it again. Transmitting it freezes the renovation table."""

    State = SubmissionState

    department = models.ForeignKey(
        "reference.Department", on_delete=models.PROTECT, related_name="syntheses", verbose_name=_("département")
    )
    state = FSMField(
        _("état"), max_length=20, choices=SynthesisState.choices, default=SubmissionState.DRAFT, protected=True
    )
    submitted_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("année de la campagne"), default=campaign_year)
    steps_taken = models.TextField(_("les démarches engagées"), blank=True)
    measures = models.TextField(
        _(
            "les mesures de la feuille de route gouvernementale et du pacte de Dijon déclinées dans les "
            "contrats de ville"
        ),
        blank=True,
    )
    renovation_deadline = models.TextField(_("l'échéance de rénovation des contrats de ville"), blank=True)
    difficulties = models.TextField(_("les difficultés rencontrées"), blank=True)
    # The renovation state of the département's contracts, frozen at submission (None: computed
    # from the data at render time, the draft's case).
    renovation_snapshot = models.JSONField(_("état de la rénovation transmis"), null=True, blank=True)
    created = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("synthèse du préfet")
        verbose_name_plural = _("synthèses des préfets")
        ordering = ["-year", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"],
                name="synthesis_one_per_department_year",
                violation_error_message=_("Ce département a déjà une synthèse pour cette année."),
            ),
        ]
        permissions = [
            ("work_synthesis", _("Rédiger la synthèse du préfet")),
            ("validate_synthesis", _("Valider la synthèse au nom du préfet")),
            ("review_synthesis", _("Examiner les synthèses des préfets au CGET")),
        ]

    def __str__(self) -> str:
        return f"Synthèse {self.year} – {self.department}"

    def get_absolute_url(self) -> str:
        return reverse("synthesis:detail", args=[self.department.code, self.year])

    def may_work(self, user: Any) -> bool:
        return can_work(user, self.department)

    def may_validate(self, user: Any) -> bool:
        return can_validate(user, self.department)

    def may_review(self, user: Any) -> bool:
        return can_review(user)

    @property
    def due_on(self) -> datetime.date:
        return due_on(self.year)

    @property
    def parts(self) -> dict[str, str]:
        return {field: getattr(self, field) for field, _title in PARTS}

    @property
    def total_chars(self) -> int:
        return sum(len(normalize(text)) for text in self.parts.values())

    def is_late(self, today: datetime.date) -> bool:
        """Not transmitted by the campaign's synthesis date (or transmitted after it)."""
        if self.submitted_at is not None and self.state in (self.State.SUBMITTED, self.State.APPROVED):
            return timezone.localdate(self.submitted_at) > self.due_on
        return today > self.due_on

    # Guards: they only answer.
    def has_all_parts(self: Any) -> bool:
        return all(normalize(text) for text in self.parts.values())

    def is_within_limit(self: Any) -> bool:
        return not length_errors(self.parts)

    @transition(
        "state",
        source=SubmissionState.DRAFT,
        target=SubmissionState.PREFECT_VALIDATION,
        conditions=[has_all_parts, is_within_limit],
        permission=_can_work,
    )
    def send_to_validation(self) -> None:
        pass

    @transition(
        "state",
        source=SubmissionState.PREFECT_VALIDATION,
        target=SubmissionState.SUBMITTED,
        conditions=[has_all_parts, is_within_limit],
        permission=lambda synthesis, user: synthesis.may_validate(user),
    )
    def validate(self, *, renovation: dict[str, Any]) -> None:
        self.submitted_at = timezone.now()
        self.renovation_snapshot = renovation
        self.return_comment = ""

    @transition(
        "state",
        source=SubmissionState.SUBMITTED,
        target=SubmissionState.RETURNED,
        permission=lambda synthesis, user: synthesis.may_review(user),
    )
    def return_to_prefecture(self, *, reason: str) -> None:
        self.return_comment = reason
        self.renovation_snapshot = None

    @transition(
        "state",
        source=SubmissionState.RETURNED,
        target=SubmissionState.SUBMITTED,
        conditions=[has_all_parts, is_within_limit],
        permission=_can_work,
    )
    def resubmit(self, *, renovation: dict[str, Any]) -> None:
        self.submitted_at = timezone.now()
        self.renovation_snapshot = renovation


class SynthesisHistory(AppendOnlyHistory):
    """Append-only log of every transition of every synthesis (who, when, from, to, comment)."""

    synthesis = models.ForeignKey(
        Synthesis, on_delete=models.CASCADE, related_name="history", verbose_name=_("synthèse")
    )
    source = models.CharField(_("état de départ"), max_length=20, choices=SubmissionState.choices, blank=True)
    target = models.CharField(_("état d'arrivée"), max_length=20, choices=SubmissionState.choices)

    class Meta:
        verbose_name = _("historique d'une synthèse")
        verbose_name_plural = _("historiques des synthèses")
        ordering = ["at", "pk"]


class SynthesisProcess(Process):
    """The viewflow process of a synthesis; the synthesis is the artifact (its ``department``
    scopes the inbox and queue, ``workflows.cases.registry``)."""

    class Meta:
        proxy = True
        verbose_name = _("circuit de la synthèse du préfet")
        verbose_name_plural = _("circuits des synthèses des préfets")

    def __str__(self) -> str:
        return str(self.artifact) if self.artifact_object_id else f"Synthèse #{self.pk}"
