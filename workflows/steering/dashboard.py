"""Reads of the national dashboard: per département, then région subtotals
and the total of what the user may see.

Every figure is one of the registry's (``workflows.steering.figures``): counted by one grouped
query per source table, whatever the number of départements and cases, never one per row, and
listed by ``/pilotage/tableau-de-bord/chiffres/<slug>/`` from the same definition. The
département set is ``accounts.selectors.department_scope``, so a prefecture sees only its own
département; national roles see all and filter by région.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import department_scope
from notifications.campaign import Semester, ended_semesters, semester_label
from reference.models import Department, Region
from workflows.cases.figures import AsOf, Figure, Scope, figures_count
from workflows.paqte import figures as paqte_figures
from workflows.paqte.models import ReferentDesignation, SubmissionState
from workflows.renewal import figures as renewal_figures
from workflows.renewal.models.renewal import RenewalState
from workflows.steering import figures as registry
from workflows.synthesis import figures as synthesis_figures

# The renovation steps in the order of the stepper; a contract without a case is "not started".
RENEWAL_STEPS: list[tuple[str, str]] = [(state.value, str(state.label)) for state in RenewalState]

# Each field of ``Figures`` and the registry's figure it counts (``steps`` by renovation step).
FIELD_FIGURES: dict[str, Figure] = {
    "contracts": renewal_figures.CONTRACTS,
    "late": renewal_figures.LATE,
    "referents": paqte_figures.REFERENTS,
    "referents_late": paqte_figures.REFERENTS_LATE,
    "syntheses_sent": synthesis_figures.SENT_FIGURE,
    "syntheses_late": synthesis_figures.LATE,
    "conventions_signed": paqte_figures.CONVENTIONS_SIGNED,
    "conventions_active": paqte_figures.CONVENTIONS_ACTIVE,
    "reports_submitted": paqte_figures.REPORTS_SUBMITTED,
    "reports_approved": paqte_figures.REPORTS_APPROVED,
    "reports_late": paqte_figures.REPORTS_LATE,
    "colleges_held": registry.COLLEGES_HELD,
    "colleges_missing": registry.COLLEGES_MISSING,
    "charters_pending": paqte_figures.CHARTERS_PENDING,
    "charters_late": paqte_figures.CHARTERS_LATE,
}
STEP_FIGURES: dict[str, Figure] = dict(renewal_figures.STEPS)
# The contracts the deadline table counts « en retard » that are no open renovation (the early
# warning's « en retard » counts open renovations only): not started, or signed after the date.
LATE_NOT_STARTED: Figure = renewal_figures.LATE_BY_STEP[RenewalState.NOT_STARTED.value]
LATE_SIGNED: Figure = renewal_figures.LATE_BY_STEP[RenewalState.SIGNED.value]
# Counted for the page: the table's figures and the deadline kinds' (each once).
DASHBOARD_FIGURES: list[Figure] = list(
    {
        figure.slug: figure
        for figure in [
            *FIELD_FIGURES.values(),
            *STEP_FIGURES.values(),
            LATE_NOT_STARTED,
            LATE_SIGNED,
            *(figure for kind in registry.DEADLINES for figure in (kind.done, kind.late)),
        ]
    }.values()
)
# The figure slugs by field, for the links of the page (``slugs.late``, ``step_slugs.signed``).
FIELD_SLUGS: dict[str, str] = {name: figure.slug for name, figure in FIELD_FIGURES.items()}
STEP_SLUGS: dict[str, str] = {state: figure.slug for state, figure in STEP_FIGURES.items()}


@dataclass
class Figures:
    """The figures of one row (a département, a région subtotal or the total)."""

    contracts: int = 0
    steps: dict[str, int] = field(default_factory=lambda: {state: 0 for state, _ in RENEWAL_STEPS})
    late: int = 0
    referents: int = 0
    referents_late: int = 0
    syntheses_sent: int = 0
    syntheses_late: int = 0
    departments: int = 0
    conventions_signed: int = 0
    conventions_active: int = 0
    reports_submitted: int = 0
    reports_approved: int = 0
    reports_late: int = 0
    colleges_held: int = 0
    colleges_missing: int = 0
    colleges_due: int = 0
    charters_pending: int = 0
    charters_late: int = 0

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
    deadlines: list[registry.DeadlineLine] = field(default_factory=list)
    department_ids: tuple[int, ...] = ()  # the départements counted (the early warning's, too)
    late_not_started: int = 0  # LATE_NOT_STARTED over them
    late_signed: int = 0  # LATE_SIGNED over them

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


def dashboard_get(
    *,
    user: User | AnonymousUser,
    today: datetime.date,
    region: str | None = None,
    department: str | None = None,
) -> Dashboard:
    departments = list(dashboard_departments(user=user, region=region, department=department))
    scope = Scope(department_ids=tuple(d.pk for d in departments), as_of=AsOf(day=today))
    semesters = ended_semesters(today=today)
    counts = figures_count(DASHBOARD_FIGURES, scope)
    referents = dict(
        ReferentDesignation.objects.filter(department_id__in=scope.department_ids).values_list("department_id", "state")
    )
    held = _held_pairs(scope, semesters)

    blocks: dict[int, RegionBlock] = {}
    total = Figures()
    for item in departments:
        figures = Figures(
            steps={state: counts[STEP_FIGURES[state].slug].get(item.pk, 0) for state, _ in RENEWAL_STEPS},
            departments=1,
            colleges_due=len(semesters),
        )
        for name, figure in FIELD_FIGURES.items():
            setattr(figures, name, counts[figure.slug].get(item.pk, 0))
        referent_state = referents.get(item.pk)
        colleges = {semester: (item.pk, semester) in held for semester in semesters}
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
        deadlines=registry.deadline_lines(counts),
        department_ids=scope.department_ids,
        late_not_started=sum(counts[LATE_NOT_STARTED.slug].values()),
        late_signed=sum(counts[LATE_SIGNED.slug].values()),
    )


def _held_pairs(scope: Scope, semesters: list[Semester]) -> set[tuple[int, Semester]]:
    """The (département, semester) pairs with a held collège: the complement of the « collèges
    manquants » figure, computed from the same pairs."""
    missing = set(registry.COLLEGES_MISSING.pairs(scope))
    return {(pk, semester) for pk in scope.department_ids for semester in semesters if (pk, semester) not in missing}


def dashboard_regions(*, user: User | AnonymousUser) -> QuerySet[Region]:
    """The régions of the user's départements, for the filter."""
    return Region.objects.filter(departments__in=department_scope(user).values("pk")).distinct().order_by("name")


RISK_KIND = "renewal"  # the kind the dashboard's early warning counts (``risk_summary "renewal"``)


def risk_query(department: str | None = None, *, region: str | None = None) -> str:
    """The inbox's filters for the early warning's link: the renovations' tasks « à risque » (the
    count is of renovations), in the département chosen, else in the région chosen (the inbox's
    ``?region=``, its départements within the user's scope: the cases the dashboard counts)."""
    query = f"?echeance=risque&dossier={RISK_KIND}"
    if department:
        return f"{query}&departement={department}"
    return f"{query}&region={region}" if region else query
