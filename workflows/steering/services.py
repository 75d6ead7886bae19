"""Writes on steering meetings. Every transition runs through the case kernel
(``workflows.cases.runner.transition_run``) with the table of ``workflows.steering.transitions``."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from reference.models import CityContract, Department, Region
from workflows.cases.locks import case_locked
from workflows.cases.runner import transition_run
from workflows.steering.models import Meeting
from workflows.steering.permissions import can_work, can_work_in_region
from workflows.steering.transitions import SteeringError

# Circular of 22 January 2019: the prefect convenes; "J'attends des recteurs et des directeurs
# généraux des agences régionales de santé qu'ils soient pleinement investis à vos côtés."
SERVICE_HEADS_INVITEES = [
    "Préfet de département (convocation)",
    "Recteur d'académie",
    "Directeur général de l'agence régionale de santé",
]
FUNDERS_CONFERENCE_INVITEES = ["Préfet de région"]


__all__ = ["SteeringError"]


def _require_work(*, user: User, meeting: Meeting) -> None:
    allowed = (
        can_work_in_region(user, meeting.region)
        if meeting.kind == Meeting.Kind.FUNDERS_CONFERENCE
        else can_work(user, meeting.owning_department)
    )
    if not allowed:
        raise PermissionDenied("Vous n'organisez pas les réunions de pilotage de ce territoire.")


def invitees_clean(invitees: list[str]) -> list[str]:
    return [line.strip() for line in invitees if line.strip()]


def meeting_create(
    *,
    user: User,
    kind: str,
    year: int,
    semester: int | None = None,
    department: Department | None = None,
    region: Region | None = None,
    city_contract: CityContract | None = None,
    date: datetime.date | None = None,
    invitees: list[str] | None = None,
) -> Meeting:
    """Plan a meeting (state « à programmer ») in the territory its kind belongs to.

    The collège des chefs de service starts with the rector and the ARS director invited.
    """
    if kind == Meeting.Kind.FUNDERS_CONFERENCE and region is None and department is not None:
        region, department = department.region, None
    if kind == Meeting.Kind.FUNDERS_CONFERENCE:
        semester = None
    if kind == Meeting.Kind.SERVICE_HEADS and semester is None:
        raise SteeringError("Indiquez le semestre du collège des chefs de service.")
    defaults = {
        Meeting.Kind.SERVICE_HEADS: SERVICE_HEADS_INVITEES,
        Meeting.Kind.FUNDERS_CONFERENCE: FUNDERS_CONFERENCE_INVITEES,
    }.get(Meeting.Kind(kind), [])
    meeting = Meeting(
        kind=kind,
        year=year,
        semester=semester,
        department=department,
        region=region,
        city_contract=city_contract,
        date=date,
        invitees=invitees_clean(invitees) if invitees else list(defaults),
    )
    _require_work(user=user, meeting=meeting)
    meeting.full_clean(exclude=["state"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as error:
        raise SteeringError(_integrity_message(error)) from error
    return meeting


def _integrity_message(error: IntegrityError) -> str:
    text = str(error)
    if "steering_one_service_heads_per_semester" in text:
        return "Ce département a déjà un collège des chefs de service pour ce semestre."
    if "steering_one_funders_conference_per_year" in text:
        return "Cette région a déjà une conférence des financeurs pour cette année."
    return "Cette réunion ne correspond pas au territoire attendu pour son type."


def meeting_update(
    *, user: User, meeting: Meeting, date: datetime.date | None, invitees: list[str], minutes: str
) -> Meeting:
    """Record the date, the invitees and the minutes (the minutes once the meeting is held too)."""
    with case_locked(meeting, related=("city_contract__department",)) as locked:
        _require_work(user=user, meeting=locked)
        if locked.state == Meeting.State.HELD and date != locked.date:
            raise SteeringError("La date d'une réunion tenue ne se modifie plus.")
        locked.date = date
        locked.invitees = invitees_clean(invitees)
        locked.minutes = minutes
        locked.save(update_fields=["date", "invitees", "minutes"])
    return locked


def paqte_meeting_record(
    *,
    user: User,
    department: Department,
    kind: str,
    held_on: datetime.date,
    minutes: str = "",
    companies: list[Any] | None = None,
) -> Meeting:
    """Record a PAQTE steering committee or checkpoint (annex 2) as a meeting of the département:
    convened for its date, then held once that date has come, each step in its history."""
    if kind not in Meeting.PAQTE_KINDS:
        raise SteeringError("Type de réunion PAQTE inconnu.")
    probe = Meeting(kind=kind, department=department, year=held_on.year)
    if not _can_work_probe(user, probe):
        raise PermissionDenied("Vous n'instruisez pas les dossiers PAQTE de ce département.")
    with transaction.atomic():
        meeting = Meeting(kind=kind, department=department, year=held_on.year, date=held_on, minutes=minutes)
        meeting.full_clean(exclude=["state"])  # a protected FSM field is not cleaned by assignment
        meeting.save()
        if companies:
            meeting.companies.set(companies)
        meeting = transition_run(case=meeting, name="convene", user=user)
        if held_on <= timezone.localdate():
            meeting = transition_run(case=meeting, name="hold", user=user)
    return meeting


def _can_work_probe(user: User, meeting: Meeting) -> bool:
    step = meeting.convene._django_fsm.get_transition(meeting.state)
    return bool(step is not None and step.has_perm(meeting, user))
