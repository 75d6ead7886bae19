"""Steering meetings: one model for every recurring meeting the circular of
22 January 2019 and its annexes ask for.

- collège des chefs de service: each département, each semester, convened by the prefect,
  the rector and the ARS director invited;
- PAQTE steering committee and checkpoint meetings: each département;
- conférence régionale des financeurs: each région, yearly, around the regional prefect;
- réunion de territoire: each contrat de ville.

The state is a protected FSM field; a transition only changes the object in memory, the
service (``workflows.steering.services``) locks the row, checks, saves and appends the history.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from notifications.campaign import SEMESTER_CHOICES, campaign_today, semester_label
from reference.addresses import reverse_ids
from workflows.cases.history import AppendOnlyHistory
from workflows.paqte.permissions import can_work as paqte_can_work
from workflows.steering.permissions import can_work, can_work_in_region

__all__ = ["Meeting", "MeetingHistory"]


def _can_work(instance: Any, user: Any) -> bool:
    if instance.kind == Meeting.Kind.FUNDERS_CONFERENCE:
        return can_work_in_region(user, instance.region)
    if instance.kind in Meeting.PAQTE_KINDS:
        # The PAQTE steering committee and checkpoints are the PAQTE team's (annex 2).
        return paqte_can_work(user, instance.department)
    return can_work(user, instance.owning_department)


class Meeting(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        SERVICE_HEADS = "service_heads", _("Collège des chefs de service")
        PAQTE_COMMITTEE = "paqte_committee", _("Comité de pilotage du PAQTE")
        PAQTE_CHECKPOINT = "paqte_checkpoint", _("Point d'étape du PAQTE")
        FUNDERS_CONFERENCE = "funders_conference", _("Conférence régionale des financeurs")
        TERRITORY = "territory", _("Réunion de territoire du contrat de ville")

    class State(models.TextChoices):
        TO_SCHEDULE = "to_schedule", _("À programmer")
        CONVENED = "convened", _("Convoquée")
        HELD = "held", _("Tenue")

    DEPARTMENT_KINDS = (Kind.SERVICE_HEADS, Kind.PAQTE_COMMITTEE, Kind.PAQTE_CHECKPOINT)
    PAQTE_KINDS = (Kind.PAQTE_COMMITTEE, Kind.PAQTE_CHECKPOINT)

    kind = models.CharField(_("type de réunion"), max_length=20, choices=Kind.choices)
    department = models.ForeignKey(
        "reference.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steering_meetings",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        "reference.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steering_meetings",
        verbose_name=_("région"),
    )
    city_contract = models.ForeignKey(
        "reference.CityContract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steering_meetings",
        verbose_name=_("contrat de ville"),
    )
    year = models.PositiveSmallIntegerField(_("année"))
    semester = models.PositiveSmallIntegerField(_("semestre"), null=True, blank=True, choices=SEMESTER_CHOICES)
    state = FSMField(_("état"), max_length=12, choices=State.choices, default=State.TO_SCHEDULE, protected=True)
    date = models.DateField(_("date"), null=True, blank=True)
    invitees = models.JSONField(_("invités"), default=list, blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    # A PAQTE checkpoint meets the signatory companies (annex 2).
    companies = models.ManyToManyField(
        "workflows.Company", blank=True, related_name="paqte_meetings", verbose_name=_("entreprises présentes")
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réunion de pilotage")
        verbose_name_plural = _("réunions de pilotage")
        ordering = ["-year", "-semester", "kind", "pk"]
        constraints = [
            # The scope follows the kind: a département, a région or a contrat de ville, exactly one.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["service_heads", "paqte_committee", "paqte_checkpoint"],
                        department__isnull=False,
                        region__isnull=True,
                        city_contract__isnull=True,
                    )
                    | Q(
                        kind="funders_conference",
                        department__isnull=True,
                        region__isnull=False,
                        city_contract__isnull=True,
                    )
                    | Q(kind="territory", department__isnull=True, region__isnull=True, city_contract__isnull=False)
                ),
                name="steering_meeting_scope_follows_kind",
                violation_error_message=_(
                    "Le collège, le comité de pilotage et le point d'étape se rattachent à un département, "
                    "la conférence des financeurs à une région, la réunion de territoire à un contrat de ville."
                ),
            ),
            # The collège is semestrial, the conference of funders yearly.
            models.CheckConstraint(
                # isnull, not IN: a NULL semester would make "semester IN (1, 2)" unknown, which a
                # CHECK constraint lets through.
                condition=(~Q(kind="service_heads") | Q(semester__isnull=False))
                & (~Q(kind="funders_conference") | Q(semester__isnull=True))
                & (Q(semester__isnull=True) | Q(semester__in=[1, 2])),
                name="steering_meeting_period_follows_kind",
                violation_error_message=_(
                    "Le collège des chefs de service est semestriel, la conférence des financeurs annuelle."
                ),
            ),
            models.UniqueConstraint(
                fields=["department", "year", "semester"],
                condition=Q(kind="service_heads"),
                name="steering_one_service_heads_per_semester",
                violation_error_message=_("Ce département a déjà un collège des chefs de service pour ce semestre."),
            ),
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=Q(kind="funders_conference"),
                name="steering_one_funders_conference_per_year",
                violation_error_message=_("Cette région a déjà une conférence des financeurs pour cette année."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "state", "department", "year", "semester"])]
        permissions = [
            ("view_steering", _("Consulter le pilotage")),
            ("work_steering", _("Organiser les réunions de pilotage du département")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.scope_label} – {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse_ids("steering:meeting_detail", self.pk)

    @property
    def owning_department(self) -> Any:
        """The département whose prefecture acts on the meeting (None for a région)."""
        if self.city_contract is not None:
            return self.city_contract.department
        return self.department

    @property
    def scope_label(self) -> str:
        return str(self.department or self.region or self.city_contract)

    @property
    def period_label(self) -> str:
        if self.semester:
            return semester_label(self.year, self.semester)
        return str(self.year)

    # Guards: they only answer.
    def has_date(self: Any) -> bool:
        return self.date is not None

    def is_past(self: Any) -> bool:
        return self.date is not None and self.date <= campaign_today()

    @transition(state, source=State.TO_SCHEDULE, target=State.CONVENED, conditions=[has_date], permission=_can_work)
    def convene(self) -> None:
        pass

    @transition(state, source=State.CONVENED, target=State.HELD, conditions=[is_past], permission=_can_work)
    def hold(self) -> None:
        pass


class MeetingHistory(AppendOnlyHistory):
    """Append-only log of every transition of every steering meeting (who, when, from, to)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="history", verbose_name=_("réunion"))
    source = models.CharField(_("état de départ"), max_length=12, choices=Meeting.State.choices)
    target = models.CharField(_("état d'arrivée"), max_length=12, choices=Meeting.State.choices)

    class Meta:
        verbose_name = _("historique d'une réunion de pilotage")
        verbose_name_plural = _("historiques des réunions de pilotage")
        ordering = ["at", "pk"]
