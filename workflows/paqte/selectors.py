"""Reads on PAQTE cases, always through ``accounts.selectors.scoped``: the one place that says
which départements a user sees. Lists use a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import department_scope, scoped
from notifications.campaign import campaign_calendar
from reference import selectors as reference_selectors
from reference.models import CityContract, Department, Qpv
from workflows.paqte.models import (
    Axis,
    CharterConvention,
    Company,
    KeyIndicator,
    Objective,
    PaqteConvention,
    PaqteHistory,
    ReferentDesignation,
    SemesterReport,
    SemesterResult,
    SteeringCommittee,
)
from workflows.paqte.permissions import can_view

AnyUser = User | AnonymousUser


def _viewable(user: AnyUser) -> None:
    if not can_view(user):
        raise Http404("Ce dossier ne relève pas de votre périmètre.")


def department_get(*, user: AnyUser, code: str) -> Department:
    _viewable(user)
    return reference_selectors.department_get(user=user, code=code)


def departments_of(*, user: AnyUser) -> QuerySet[Department]:
    return department_scope(user).order_by("code") if can_view(user) else Department.objects.none()


def history_of(case: Any) -> list[PaqteHistory]:
    return list(
        PaqteHistory.objects.filter(content_type=ContentType.objects.get_for_model(case), object_id=case.pk)
        .select_related("actor")
        .order_by("at", "pk")
    )


# --- Conventions ---------------------------------------------------------------------------------


def convention_list(
    *, user: AnyUser, department: Department | None = None, state: str | None = None
) -> QuerySet[PaqteConvention]:
    if not can_view(user):
        return PaqteConvention.objects.none()
    queryset = scoped(PaqteConvention.objects.select_related("company", "department"), user)
    if department is not None:
        queryset = queryset.filter(department=department)
    if state:
        queryset = queryset.filter(state=state)
    return queryset.annotate(objective_count=Count("objectives")).order_by("department__code", "company__name", "pk")


def convention_get(*, user: AnyUser, pk: int) -> PaqteConvention:
    _viewable(user)
    return get_object_or_404(scoped(PaqteConvention.objects.select_related("company", "department"), user), pk=pk)


def convention_objectives(*, convention: PaqteConvention) -> list[Objective]:
    return list(
        convention.objectives.select_related("indicator")
        .prefetch_related("results")
        .order_by("axis", "indicator__position", "pk")
    )


def company_list(*, user: AnyUser) -> QuerySet[Company]:
    """Companies with a convention or a charter convention in the user's départements."""
    if not can_view(user):
        return Company.objects.none()
    conventions = scoped(PaqteConvention.objects.filter(company=OuterRef("pk")), user)
    charters = scoped(CharterConvention.objects.filter(company=OuterRef("pk")), user)
    return (
        Company.objects.filter(Q(Exists(conventions)) | Q(Exists(charters)))
        .annotate(convention_count=Count("conventions", distinct=True))
        .order_by("name")
    )


# --- Charter conventions -------------------------------------------------------------------------


def charter_list(*, user: AnyUser, department: Department | None = None) -> QuerySet[CharterConvention]:
    if not can_view(user):
        return CharterConvention.objects.none()
    queryset = scoped(CharterConvention.objects.select_related("company", "department", "paqte_convention"), user)
    if department is not None:
        queryset = queryset.filter(department=department)
    return queryset.order_by("department__code", "ends_on", "reference")


def charter_get(*, user: AnyUser, pk: int) -> CharterConvention:
    _viewable(user)
    return get_object_or_404(
        scoped(CharterConvention.objects.select_related("company", "department", "paqte_convention"), user), pk=pk
    )


@dataclass
class MigrationProgress:
    department_code: str
    department_name: str
    total: int
    migrated: int
    offered: int
    deadline: Any = field(default_factory=lambda: campaign_calendar().charter_migration)

    @property
    def percent(self) -> int:
        return round(100 * self.migrated / self.total) if self.total else 100


def charter_migration_progress(*, user: AnyUser) -> list[MigrationProgress]:
    """Per département: how many charter conventions of how many became PAQTE conventions."""
    rows = (
        charter_list(user=user)
        .order_by()
        .values("department__code", "department__name")
        .annotate(
            total=Count("pk"),
            migrated=Count("pk", filter=Q(state=CharterConvention.State.MIGRATED)),
            offered=Count("pk", filter=Q(state=CharterConvention.State.OFFERED)),
        )
        .order_by("department__code")
    )
    return [
        MigrationProgress(
            department_code=row["department__code"],
            department_name=row["department__name"],
            total=row["total"],
            migrated=row["migrated"],
            offered=row["offered"],
        )
        for row in rows
    ]


# --- Référent, committee --------------------------------------------------------------------------


def referent_list(*, user: AnyUser) -> QuerySet[ReferentDesignation]:
    if not can_view(user):
        return ReferentDesignation.objects.none()
    return scoped(ReferentDesignation.objects.select_related("department"), user).order_by("department__code")


def referent_of(*, department: Department) -> ReferentDesignation | None:
    return ReferentDesignation.objects.filter(department=department).first()


def committee_of(*, department: Department) -> SteeringCommittee | None:
    return SteeringCommittee.objects.filter(department=department).prefetch_related("members").first()


# --- Reports --------------------------------------------------------------------------------------


def report_list(*, user: AnyUser, department: Department | None = None) -> QuerySet[SemesterReport]:
    if not can_view(user):
        return SemesterReport.objects.none()
    queryset = scoped(SemesterReport.objects.select_related("department"), user)
    if department is not None:
        queryset = queryset.filter(department=department)
    return queryset.order_by("-year", "-semester", "department__code")


def report_get(*, user: AnyUser, pk: int) -> SemesterReport:
    _viewable(user)
    return get_object_or_404(scoped(SemesterReport.objects.select_related("department"), user), pk=pk)


@dataclass
class IndicatorLine:
    indicator: KeyIndicator
    target: int = 0
    result: int = 0
    conventions: int = 0


@dataclass
class SpecificLine:
    company: str
    label: str
    target: int
    result: int | None


@dataclass
class AxisBlock:
    axis: str
    label: str
    indicators: list[IndicatorLine] = field(default_factory=list)
    specific: list[SpecificLine] = field(default_factory=list)


@dataclass
class ReportData:
    report: SemesterReport
    referent: ReferentDesignation | None
    companies: list[Company]
    axes: list[AxisBlock]
    qpv_count: int
    qpv_population: int
    committee: SteeringCommittee | None

    @property
    def company_count(self) -> int:
        return len(self.companies)


def report_data(*, report: SemesterReport) -> ReportData:
    """Everything annex 2 asks, assembled from the data; a constant number of queries.

    Results: the sum, per key indicator, of the results recorded for the report's semester by
    every convention of the département. Targets: the sum of the targets of the signatory
    conventions (signed or in progress). Specific commitments (PME, TPE) are listed one by one.
    """
    department = report.department
    signatory = PaqteConvention.objects.filter(department=department, state__in=PaqteConvention.SIGNATORY_STATES)
    companies = list(Company.objects.filter(conventions__in=signatory).distinct().order_by("name"))
    targets = {
        row["indicator_id"]: row["total"]
        for row in Objective.objects.filter(convention__in=signatory, indicator__isnull=False)
        .values("indicator_id")
        .annotate(total=Sum("target"))
    }
    results = {
        row["objective__indicator_id"]: row
        for row in SemesterResult.objects.filter(
            objective__convention__department=department,
            objective__indicator__isnull=False,
            year=report.year,
            semester=report.semester,
        )
        .values("objective__indicator_id")
        .annotate(total=Sum("value"), conventions=Count("objective__convention", distinct=True))
    }
    blocks = {value: AxisBlock(axis=value, label=str(label)) for value, label in Axis.choices}
    for indicator in KeyIndicator.objects.order_by("position"):
        row = results.get(indicator.pk, {})
        blocks[indicator.axis].indicators.append(
            IndicatorLine(
                indicator=indicator,
                target=targets.get(indicator.pk, 0) or 0,
                result=row.get("total", 0) or 0,
                conventions=row.get("conventions", 0),
            )
        )
    specific = (
        Objective.objects.filter(convention__in=signatory, indicator__isnull=True)
        .select_related("convention__company")
        .annotate(result=Sum("results__value", filter=Q(results__year=report.year, results__semester=report.semester)))
        .order_by("axis", "convention__company__name", "pk")
    )
    for objective in specific:
        blocks[objective.axis].specific.append(
            SpecificLine(
                company=objective.convention.company.name,
                label=objective.label,
                target=objective.target,
                result=objective.result,
            )
        )
    qpvs = Qpv.objects.filter(department=department, geography=Qpv.Geography.G2015).count()
    population = CityContract.objects.filter(department=department).aggregate(total=Sum("qpv_population"))["total"]
    return ReportData(
        report=report,
        referent=referent_of(department=department),
        companies=companies,
        axes=list(blocks.values()),
        qpv_count=qpvs,
        qpv_population=population or 0,
        committee=committee_of(department=department),
    )
