"""Reads of the national dashboard: per département, then région subtotals
and the total of what the user may see.

Every figure comes from one grouped query per source table (contracts, PAQTE référents,
conventions, semestrial reports, collèges): seven queries whatever the number of départements
and cases, never one per row. The département set is ``accounts.selectors.department_scope``,
so a prefecture sees only its own département; national roles see all and filter by région.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, fields

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from accounts.models import User
from accounts.selectors import department_scope
from notifications.campaign import Semester, campaign_calendar, ended_semesters, semester_label
from reference.models import CityContract, Department, Region
from workflows.paqte.models import PaqteConvention, ReferentDesignation, SemesterReport, SubmissionState
from workflows.renewal.models.renewal import RenewalState
from workflows.steering.models import Meeting

# The renovation steps in the order of the stepper; a contract without a case is "not started".
RENEWAL_STEPS: list[tuple[str, str]] = [(state.value, str(state.label)) for state in RenewalState]


@dataclass
class Figures:
    """The figures of one row (a département, a région subtotal or the total)."""

    contracts: int = 0
    steps: dict[str, int] = field(default_factory=lambda: {state: 0 for state, _ in RENEWAL_STEPS})
    late: int = 0
    referents: int = 0
    departments: int = 0
    conventions_signed: int = 0
    conventions_active: int = 0
    reports_submitted: int = 0
    reports_approved: int = 0
    reports_late: int = 0
    colleges_held: int = 0
    colleges_due: int = 0

    def add(self, other: Figures) -> None:
        for item in fields(self):
            if item.name == "steps":
                for state, count in other.steps.items():
                    self.steps[state] += count
            else:
                setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


@dataclass
class DepartmentRow:
    department: Department
    figures: Figures
    referent_state: str | None  # None: no référent named
    referent_label: str
    colleges: dict[Semester, bool]


@dataclass
class RegionBlock:
    region: Region
    rows: list[DepartmentRow]
    subtotal: Figures


@dataclass
class Dashboard:
    regions: list[RegionBlock]
    total: Figures
    semesters: list[Semester]
    colleges_by_semester: list[tuple[str, int, int]]  # (label, départements held, départements)
    today: datetime.date

    @property
    def rows(self) -> list[DepartmentRow]:
        return [row for block in self.regions for row in block.rows]


def dashboard_departments(
    *, user: User | AnonymousUser, region: str | None = None, department: str | None = None
) -> QuerySet[Department]:
    queryset = department_scope(user).select_related("region").order_by("region__name", "code")
    if region:
        queryset = queryset.filter(region__code=region)
    if department:
        queryset = queryset.filter(code=department)
    return queryset


def _by_department(queryset: QuerySet, **counts: Count) -> dict[int, dict[str, int]]:
    return {row.pop("department_id"): row for row in queryset.values("department_id").annotate(**counts)}


def dashboard_get(
    *,
    user: User | AnonymousUser,
    today: datetime.date,
    region: str | None = None,
    department: str | None = None,
) -> Dashboard:
    departments = list(dashboard_departments(user=user, region=region, department=department))
    ids = [d.pk for d in departments]
    semesters = ended_semesters(today=today)
    past_deadline = today > campaign_calendar().renewal_signature

    step_counts = {
        state: Count("pk", filter=Q(renewal__state=state))
        for state, _ in RENEWAL_STEPS
        if state != RenewalState.NOT_STARTED
    }
    contracts = _by_department(
        CityContract.objects.filter(department_id__in=ids),
        total=Count("pk"),
        not_started=Count("pk", filter=Q(renewal__isnull=True) | Q(renewal__state=RenewalState.NOT_STARTED)),
        **step_counts,
    )
    referents = dict(ReferentDesignation.objects.filter(department_id__in=ids).values_list("department_id", "state"))
    conventions = _by_department(
        PaqteConvention.objects.filter(department_id__in=ids),
        signed=Count("pk", filter=Q(state=PaqteConvention.State.SIGNED)),
        active=Count("pk", filter=Q(state=PaqteConvention.State.ACTIVE)),
    )
    ended = Q(pk__in=[])
    for year, semester in semesters:
        ended |= Q(year=year, semester=semester)
    reports = _by_department(
        SemesterReport.objects.filter(department_id__in=ids),
        submitted=Count("pk", filter=Q(state=SubmissionState.SUBMITTED)),
        approved=Count("pk", filter=Q(state=SubmissionState.APPROVED)),
        # A report of an ended semester counts as sent once the prefect has validated it.
        sent_for_ended=Count("pk", filter=ended & Q(state__in=[SubmissionState.SUBMITTED, SubmissionState.APPROVED])),
    )
    held: dict[int, set[Semester]] = defaultdict(set)
    for department_id, year, semester in Meeting.objects.filter(
        kind=Meeting.Kind.SERVICE_HEADS, state=Meeting.State.HELD, department_id__in=ids
    ).values_list("department_id", "year", "semester"):
        held[department_id].add((year, semester))

    blocks: dict[int, RegionBlock] = {}
    total = Figures()
    for item in departments:
        counts = contracts.get(item.pk, {})
        figures = Figures(
            contracts=counts.get("total", 0),
            steps={state: counts.get(state, 0) for state, _ in RENEWAL_STEPS},
            departments=1,
        )
        figures.late = figures.contracts - figures.steps[RenewalState.SIGNED] if past_deadline else 0
        referent_state = referents.get(item.pk)
        figures.referents = int(referent_state is not None)
        convention = conventions.get(item.pk, {})
        figures.conventions_signed = convention.get("signed", 0)
        figures.conventions_active = convention.get("active", 0)
        report = reports.get(item.pk, {})
        figures.reports_submitted = report.get("submitted", 0)
        figures.reports_approved = report.get("approved", 0)
        figures.reports_late = len(semesters) - report.get("sent_for_ended", 0)
        colleges = {semester: semester in held[item.pk] for semester in semesters}
        figures.colleges_held = sum(colleges.values())
        figures.colleges_due = len(semesters)
        row = DepartmentRow(
            department=item,
            figures=figures,
            referent_state=referent_state,
            referent_label=str(SubmissionState(referent_state).label) if referent_state else "Non désigné",
            colleges=colleges,
        )
        block = blocks.setdefault(item.region_id, RegionBlock(region=item.region, rows=[], subtotal=Figures()))
        block.rows.append(row)
        block.subtotal.add(figures)
        total.add(figures)
    by_semester = [
        (
            semester_label(*semester),
            sum(1 for block in blocks.values() for row in block.rows if row.colleges[semester]),
            len(departments),
        )
        for semester in semesters
    ]
    return Dashboard(
        regions=list(blocks.values()),
        total=total,
        semesters=semesters,
        colleges_by_semester=by_semester,
        today=today,
    )


def dashboard_regions(*, user: User | AnonymousUser) -> QuerySet[Region]:
    """The régions of the user's départements, for the filter."""
    return Region.objects.filter(departments__in=department_scope(user).values("pk")).distinct().order_by("name")
