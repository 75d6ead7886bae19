"""Writes on PAQTE cases. Every transition runs through the case kernel
(``workflows.cases.runner.transition_run``) with the tables of ``workflows.paqte.transitions``:
row lock, French refusals, the user's right, the FSM method, the history row, the viewflow task
and the case's deadlines, in one transaction."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model

from django_fsm import ConcurrentTransition

from accounts.models import User
from notifications.campaign import campaign_today, semester_bounds
from reference.models import Department
from workflows.cases.locks import case_lock, case_locked
from workflows.cases.registry import kind_of
from workflows.cases.runner import created_by, transition_run
from workflows.cases.tasks import workflow_start
from workflows.paqte.models import (
    NEAR_END_DAYS,
    Axis,
    CharterConvention,
    CommitteeMember,
    Company,
    KeyIndicator,
    Objective,
    PaqteConvention,
    ReferentDesignation,
    SemesterReport,
    SemesterResult,
    SemesterResultRecord,
    SteeringCommittee,
    Submission,
)
from workflows.paqte.permissions import can_work
from workflows.paqte.siret import siret_clean
from workflows.paqte.successors import ALREADY_OPEN, convention_open
from workflows.paqte.transitions import PaqteError

C = TypeVar("C", bound=Model)


__all__ = ["PaqteError", "history_append"]


# --- Transitions and history: the case kernel ---------------------------------------------------


def history_append(
    *, case: Model, actor: User | None, transition: str, source: str, target: str, comment: str = ""
) -> None:
    """A row of the case's history that is not a transition (its creation, its import)."""
    kind_of(case).history_append(
        case=case, actor=actor, transition=transition, source=source, target=target, comment=comment
    )


def _require_work(user: User, department: Department) -> None:
    if not can_work(user, department):
        raise PermissionDenied("Vous n'instruisez pas les dossiers PAQTE de ce département.")


# --- Companies --------------------------------------------------------------------------------


def company_create(*, siret: str, name: str, size: str, sector: str, address: str, signature_level: str) -> Company:
    """A new company; its SIRET is checked and unique (French error otherwise)."""
    number = siret_clean(siret)
    if Company.objects.filter(siret=number).exists():
        raise PaqteError(f"Une entreprise avec le SIRET {number} existe déjà.")
    company = Company(
        siret=number,
        name=name.strip(),
        size=size,
        sector=sector.strip(),
        address=address.strip(),
        signature_level=signature_level,
    )
    company.full_clean()
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        raise PaqteError(f"Une entreprise avec le SIRET {number} existe déjà.") from None
    return company


# --- Conventions ------------------------------------------------------------------------------


def convention_create(*, user: User, company: Company, department: Department) -> PaqteConvention:
    _require_work(user, department)
    if PaqteConvention.objects.filter(
        company=company, department=department, state__in=PaqteConvention.OPEN_STATES
    ).exists():
        raise PaqteError(ALREADY_OPEN)
    with transaction.atomic():
        return convention_open(user=user, company=company, department=department)


def objective_add(
    *,
    user: User,
    convention: PaqteConvention,
    target: int,
    indicator: KeyIndicator | None = None,
    axis: str | None = None,
    label: str = "",
) -> Objective:
    """An objective on a key indicator, or (PME and TPE only) a specific commitment on an axis."""
    _require_work(user, convention.department)
    if not convention.is_editable:
        raise PaqteError("Les objectifs ne se modifient plus après la signature.")
    if target < 0:
        raise PaqteError("La cible doit être un nombre positif.")
    if indicator is not None:
        axis = indicator.axis
        label = ""
        if convention.objectives.filter(indicator=indicator).exists():
            raise PaqteError("Cet indicateur a déjà un objectif dans la convention.")
    else:
        if convention.company.commits_on_all_axes:
            raise PaqteError(
                "Les engagements spécifiques sont réservés aux PME et TPE ; "
                "une grande entreprise ou une ETI s'engage sur les indicateurs clés."
            )
        if not label.strip():
            raise PaqteError("Décrivez l'engagement spécifique.")
        if axis not in Axis.values:
            raise PaqteError("Choisissez l'axe de l'engagement spécifique.")
    return Objective.objects.create(
        convention=convention, axis=axis, indicator=indicator, label=label.strip(), target=target
    )


def objective_remove(*, user: User, objective: Objective) -> None:
    _require_work(user, objective.convention.department)
    if not objective.convention.is_editable:
        raise PaqteError("Les objectifs ne se modifient plus après la signature.")
    objective.delete()


def convention_renew(*, user: User, convention: PaqteConvention, comment: str = "") -> PaqteConvention:
    """Close the convention as renewed; its successor, a draft with the same objectives, is what
    the transition creates (``workflows.paqte.successors``, run by the kernel under the lock)."""
    renewed = transition_run(case=convention, user=user, name="renew", comment=comment)
    successor: PaqteConvention = created_by(renewed)
    return successor


def conventions_offer_renewal(*, today: datetime.date | None = None) -> list[PaqteConvention]:
    """Mark as offered a renewal every active convention nearing its end (idempotent)."""
    today = today or campaign_today()
    due = list(
        PaqteConvention.objects.filter(
            state=PaqteConvention.State.ACTIVE,
            renewal_offered_on__isnull=True,
            ends_on__lte=today + datetime.timedelta(days=NEAR_END_DAYS),
        ).select_related("company", "department")
    )
    PaqteConvention.objects.filter(pk__in=[c.pk for c in due]).update(renewal_offered_on=today)
    return due


def result_record(*, user: User, objective: Objective, year: int, semester: int, value: int) -> SemesterResult:
    """The result of an objective over a semester (re-recording replaces the figure; every
    recording stays in ``SemesterResultRecord``)."""
    convention = objective.convention
    _require_work(user, convention.department)
    if convention.state != PaqteConvention.State.ACTIVE:
        raise PaqteError("Les résultats se saisissent pour une convention en cours.")
    if semester not in (1, 2):
        raise PaqteError("Le semestre est 1 ou 2.")
    if value < 0:
        raise PaqteError("Le réalisé doit être un nombre positif.")
    start, end = semester_bounds(year, semester)
    if convention.signed_on and convention.ends_on and (end < convention.signed_on or start > convention.ends_on):
        raise PaqteError("Ce semestre est hors de la durée de la convention.")
    with transaction.atomic():  # the last value, and its recording in the history of results
        result, _ = SemesterResult.objects.update_or_create(
            objective=objective, year=year, semester=semester, defaults={"value": value, "recorded_by": user}
        )
        SemesterResultRecord.objects.create(
            objective=objective, year=year, semester=semester, value=value, recorded_by=user
        )
    return result


# --- Référent and submissions -------------------------------------------------------------------


def referent_save(
    *, user: User, department: Department, name: str, function: str, email: str, phone: str
) -> ReferentDesignation:
    _require_work(user, department)
    with transaction.atomic():
        designation = case_lock(ReferentDesignation, department=department)
        if designation is None:
            designation = ReferentDesignation(department=department)
        elif not designation.is_editable:
            raise PaqteError("La désignation ne se modifie pas pendant sa validation ou après son approbation.")
        designation.name, designation.function = name.strip(), function.strip()
        designation.email, designation.phone = email.strip(), phone.strip()
        designation.full_clean(exclude=["state"])
        created = designation.pk is None
        designation.save()
        if created:
            history_append(case=designation, actor=user, transition="create", source="", target=designation.state)
            workflow_start(case=designation)
    return designation


def submission_return(*, user: User, submission: Submission, comment: str) -> Submission:
    return transition_run(case=submission, user=user, name="return_to_prefecture", comment=comment)


# --- Semestrial report ----------------------------------------------------------------------------

REPORT_TEXT_FIELDS = ("organisation", "partners", "examples", "strategy", "pru_count", "job_seekers_qpv")


def report_create(*, user: User, department: Department, year: int, semester: int) -> SemesterReport:
    _require_work(user, department)
    if semester not in (1, 2):
        raise PaqteError("Le semestre est 1 ou 2.")
    if SemesterReport.objects.filter(department=department, year=year, semester=semester).exists():
        raise PaqteError("Le bilan de ce semestre existe déjà pour ce département.")
    with transaction.atomic():
        report = SemesterReport.objects.create(department=department, year=year, semester=semester)
        history_append(case=report, actor=user, transition="create", source="", target=report.state)
        workflow_start(case=report)
    return report


def report_update(*, user: User, report: SemesterReport, **fields: Any) -> SemesterReport:
    _require_work(user, report.department)
    with case_locked(report) as locked:
        if not locked.is_editable:
            raise PaqteError("Le bilan ne se modifie qu'en brouillon ou après un renvoi du CGET.")
        for name, value in fields.items():
            if name not in REPORT_TEXT_FIELDS:
                raise PaqteError(f"Champ inconnu : {name}.")
            setattr(locked, name, value)
        locked.save(update_fields=[*fields])
    return locked


# --- Steering committee ----------------------------------------------------------------------------


def committee_get_or_create(*, department: Department) -> SteeringCommittee:
    committee, _ = SteeringCommittee.objects.get_or_create(department=department)
    return committee


def committee_member_add(
    *, user: User, department: Department, kind: str, name: str, contact: str = ""
) -> CommitteeMember:
    _require_work(user, department)
    member = CommitteeMember(
        committee=committee_get_or_create(department=department), kind=kind, name=name.strip(), contact=contact.strip()
    )
    member.full_clean()
    member.save()
    return member


# --- Charter conventions -----------------------------------------------------------------------------


def charter_offer(*, user: User, charter: CharterConvention, today: datetime.date | None = None) -> CharterConvention:
    return transition_run(case=charter, user=user, name="offer", today=today or campaign_today())


def charter_migrate(*, user: User, charter: CharterConvention) -> PaqteConvention:
    """Turn an offered charter convention into a PAQTE convention (draft) carrying its targets:
    the convention the transition creates (``workflows.paqte.successors``, under the lock)."""
    migrated = transition_run(case=charter, user=user, name="migrate", comment="Transformée en PAQTE")
    convention: PaqteConvention = created_by(migrated)
    return convention


def charters_offer_near_end(*, user: User | None = None, today: datetime.date | None = None) -> list[CharterConvention]:
    """Offer the PAQTE to every active charter convention nearing its end (idempotent: offered
    ones are no longer active). Run by ``paqte_offer``; the actor is empty (the system)."""
    today = today or campaign_today()
    due = list(
        CharterConvention.objects.filter(
            state=CharterConvention.State.ACTIVE,
            ends_on__lte=today + datetime.timedelta(days=NEAR_END_DAYS),
            ends_on__gte=today,
        )
    )
    offered = []
    for charter in due:
        try:
            offered.append(
                transition_run(
                    case=charter,
                    name="offer",
                    user=user,
                    seen_state=CharterConvention.State.ACTIVE,
                    comment="Proposition automatique : la convention arrive à échéance.",
                    today=today,
                )
            )
        except (PaqteError, ConcurrentTransition):  # offered or settled meanwhile
            continue
    return offered


def validation_error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
