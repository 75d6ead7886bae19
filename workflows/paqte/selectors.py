"""Reads on PAQTE cases, always through ``accounts.selectors.scoped``: the one place that says
which départements a user sees. Lists use a constant number of queries."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import department_scope, scoped
from notifications.campaign import campaign_calendar, campaign_today
from reference import selectors as reference_selectors
from reference.models import Department
from workflows.cases.figures import AsOf, QueryFigure, Scope, figures_count
from workflows.paqte import figures as paqte_figures
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


@dataclass(frozen=True)
class IndicatorLine:
    """One key indicator's line: its three figures (``workflows.paqte.figures``)."""

    code: str
    label: str
    unit: str
    target: int = 0
    result: int = 0
    conventions: int = 0

    @property
    def slugs(self) -> tuple[str, str, str]:
        return (f"bilan-cible-{self.code}", f"bilan-realise-{self.code}", f"bilan-conventions-{self.code}")


@dataclass(frozen=True)
class SpecificLine:
    company: str
    label: str
    target: int
    result: int | None


@dataclass(frozen=True)
class CompanyLine:
    name: str
    siret: str
    size: str
    sector: str
    signature: str


@dataclass
class AxisBlock:
    axis: str
    label: str
    indicators: list[IndicatorLine] = field(default_factory=list)
    specific: list[SpecificLine] = field(default_factory=list)

    @property
    def specific_slug(self) -> str:
        return paqte_figures.REPORT_SPECIFIC[self.axis].slug


@dataclass
class ReportFigures:
    """The figures of a semestrial report (annex 2), each one a figure of
    ``workflows.paqte.figures`` whose list the page links to. ``frozen``: the copy transmitted to
    the CGET (``SemesterReport.figures_snapshot``); ``computed_on``: the campaign's day."""

    computed_on: datetime.date
    companies: list[CompanyLine]
    axes: list[AxisBlock]
    qpv_count: int
    qpv_population: int
    frozen: bool = False

    def by_slug(self) -> dict[str, int]:
        """Every figure shown, by the slug of the figure it is (its list has as many lines, or
        lines that sum to it)."""
        values = {
            paqte_figures.REPORT_COMPANIES.slug: len(self.companies),
            paqte_figures.REPORT_QPVS.slug: self.qpv_count,
            paqte_figures.REPORT_POPULATION.slug: self.qpv_population,
        }
        for block in self.axes:
            values[block.specific_slug] = len(block.specific)
            for line in block.indicators:
                values.update(zip(line.slugs, (line.target, line.result, line.conventions), strict=True))
        return values

    def as_json(self) -> dict[str, Any]:
        return {
            "computed_on": self.computed_on.isoformat(),
            "companies": [asdict(company) for company in self.companies],
            "axes": [
                {
                    "axis": block.axis,
                    "label": block.label,
                    "indicators": [asdict(line) for line in block.indicators],
                    "specific": [asdict(line) for line in block.specific],
                }
                for block in self.axes
            ],
            "qpv_count": self.qpv_count,
            "qpv_population": self.qpv_population,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportFigures:
        return cls(
            computed_on=datetime.date.fromisoformat(data["computed_on"]),
            companies=[CompanyLine(**company) for company in data["companies"]],
            axes=[
                AxisBlock(
                    axis=block["axis"],
                    label=block["label"],
                    indicators=[IndicatorLine(**line) for line in block["indicators"]],
                    specific=[SpecificLine(**line) for line in block["specific"]],
                )
                for block in data["axes"]
            ],
            qpv_count=data["qpv_count"],
            qpv_population=data["qpv_population"],
            frozen=True,
        )


def report_figures(*, report: SemesterReport, as_of: AsOf) -> ReportFigures:
    """The report's figures from their definitions (``workflows.paqte.figures``), as of
    ``as_of``: now (``moment`` None), or from the histories up to an instant (the report
    « as of » its transmission: ``report_recomputed``). A constant number of queries.

    Results: the sum, per key indicator, of the results recorded for the report's semester by
    every convention of the département. Targets: the sum of the targets of the signatory
    conventions (signed or in progress). Specific commitments (PME, TPE) are listed one by one."""
    figures = paqte_figures.report_figures()
    scope = paqte_figures.report_scope(report, as_of)
    counts = figures_count(figures.all(), scope)

    def value(figure: QueryFigure) -> int:
        return counts[figure.slug].get(report.department_id, 0)

    blocks = {axis: AxisBlock(axis=axis, label=str(label)) for axis, label in Axis.choices}
    for indicator in KeyIndicator.objects.order_by("position"):
        target, result, conventions = figures.indicators[indicator.code]
        blocks[indicator.axis].indicators.append(
            IndicatorLine(
                code=indicator.code,
                label=indicator.label,
                unit=indicator.unit,
                target=value(target),
                result=value(result),
                conventions=value(conventions),
            )
        )
    specific = Q()
    for figure in figures.specific.values():
        specific |= figure.condition(scope)
    rows = (  # the specific commitments of the four axes' figures, in one query
        figures.specific[Axis.AWARENESS.value]
        .rows(scope)
        .filter(specific)
        .select_related("convention__company")
        .order_by("axis", "convention__company__name", "pk")
    )
    for objective in rows:
        blocks[objective.axis].specific.append(
            SpecificLine(
                company=objective.convention.company.name,
                label=objective.label,
                target=objective.target,
                result=objective.result,
            )
        )
    companies = [
        CompanyLine(
            name=convention.company.name,
            siret=convention.company.siret,
            size=str(convention.company.get_size_display()),
            sector=convention.company.sector,
            signature=str(convention.company.get_signature_level_display()),
        )
        for convention in figures.companies.queryset(scope)
    ]
    companies.sort(key=lambda company: (company.name, company.siret))
    return ReportFigures(
        computed_on=as_of.day,
        companies=companies,
        axes=list(blocks.values()),
        qpv_count=value(figures.qpvs),
        qpv_population=value(figures.population),
    )


def report_frozen(report: SemesterReport) -> dict[str, Any]:
    """The figures a report transmitted to the CGET freezes (the transition table's
    ``snapshot``, computed by the runner under the case's lock): as they stand that day."""
    return report_figures(report=report, as_of=AsOf(day=campaign_today())).as_json()


def snapshot_as_of(report: SemesterReport) -> AsOf:
    """The instant a transmitted report's figures were frozen: the campaign's day they were
    computed on and the transmission's timestamp (the histories up to it)."""
    snapshot = report.figures_snapshot or {}
    if report.submitted_at is None or "computed_on" not in snapshot:
        raise ValueError("Le bilan n'a pas été transmis au CGET.")
    return AsOf(day=datetime.date.fromisoformat(snapshot["computed_on"]), moment=report.submitted_at)


def report_recomputed(*, report: SemesterReport) -> ReportFigures:
    """A transmitted report's figures recomputed from the histories as of its transmission:
    equal to its snapshot (the figures are reproducible)."""
    return report_figures(report=report, as_of=snapshot_as_of(report))


def figures_scope(report: SemesterReport) -> tuple[Scope, bool]:
    """The scope of the report's figure lists: as of its transmission once transmitted (its
    frozen figures), else now; and whether it is the frozen one."""
    if report.figures_snapshot and report.submitted_at is not None:
        return paqte_figures.report_scope(report, snapshot_as_of(report)), True
    return paqte_figures.report_scope(report, AsOf(day=campaign_today())), False


@dataclass
class ReportData:
    report: SemesterReport
    referent: ReferentDesignation | None
    committee: SteeringCommittee | None
    figures: ReportFigures

    @property
    def companies(self) -> list[CompanyLine]:
        return self.figures.companies

    @property
    def company_count(self) -> int:
        return len(self.figures.companies)

    @property
    def axes(self) -> list[AxisBlock]:
        return self.figures.axes

    @property
    def qpv_count(self) -> int:
        return self.figures.qpv_count

    @property
    def qpv_population(self) -> int:
        return self.figures.qpv_population


def report_data(*, report: SemesterReport) -> ReportData:
    """Everything annex 2 asks: the report's figures as transmitted once it is (its snapshot),
    else computed from the data now (``report_figures``); the référent and the committee."""
    if report.figures_snapshot:
        figures = ReportFigures.from_json(report.figures_snapshot)
    else:
        figures = report_figures(report=report, as_of=AsOf(day=campaign_today()))
    return ReportData(
        report=report,
        referent=referent_of(department=report.department),
        committee=committee_of(department=report.department),
        figures=figures,
    )
