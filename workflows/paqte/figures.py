"""The PAQTE's figures (``workflows.cases.figures``), counted on the dashboard and the
département's steering page from these definitions only:

- référent PAQTE (annex 2): designated; transmitted to the CGET by the prefect; late once the
  campaign's contact date has passed and no designation was transmitted (none, draft, in the
  prefect's validation or returned by the CGET);
- conventions signed and in progress;
- semestrial reports transmitted (in the CGET's review) and approved; late: each ended semester
  of the campaign without a report validated by the prefect (transmitted or approved);
- « Charte entreprises et quartiers » conventions still to turn into PAQTE conventions (in
  progress or offered: ``CHARTER_UNSETTLED``), late once the campaign's migration date has passed.

These figures read the cases' current states (``AsOf.moment`` is not used).

The semestrial report's figures (annex 2: the signatory companies, the targets and the results of
the semester per key indicator, the specific commitments of the PME and TPE, the département's
QPV) are figures too (``report_figures``), over the report's département and semester
(``Scope.period``). « As of » an instant (a report transmitted to the CGET), a convention's
state is the target of the last row of its history written up to that instant, and a result the
last value recorded up to it (``SemesterResultRecord``): the figures the report transmitted then
showed, recomputed from the histories. The QPV and their population are reference data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from notifications.campaign import Semester, campaign_calendar, ended_semesters, semester_label
from reference.models import CityContract, Department, Qpv
from workflows.cases.figures import AsOf, Item, PeriodFigure, QueryFigure, Scope, department_item, nothing
from workflows.paqte.deadlines import CHARTER_UNSETTLED
from workflows.paqte.models import (
    Axis,
    CharterConvention,
    KeyIndicator,
    Objective,
    PaqteConvention,
    PaqteHistory,
    ReferentDesignation,
    SemesterReport,
    SemesterResult,
    SemesterResultRecord,
)
from workflows.submissions.models import SubmissionState

SENT = (SubmissionState.SUBMITTED, SubmissionState.APPROVED)
SUBMISSION_LABELS = {state.value: str(state.label) for state in SubmissionState}


# --- Référent ------------------------------------------------------------------------------------


def _designations(scope: Scope) -> QuerySet[ReferentDesignation]:
    return ReferentDesignation.objects.filter(department_id__in=scope.department_ids)


def _designation_item(designation: ReferentDesignation) -> Item:
    return department_item(
        designation.department,
        url=designation.get_absolute_url(),
        state=str(designation.get_state_display()),
        detail=f"{designation.name}, {designation.function}",
    )


def _departments(scope: Scope) -> QuerySet[Department]:
    return Department.objects.filter(pk__in=scope.department_ids).annotate(referent_state=F("paqte_referent__state"))


def _referent_late(scope: Scope) -> Q:
    if scope.day <= campaign_calendar().referent_contact:
        return nothing()
    sent = ReferentDesignation.objects.filter(department=OuterRef("pk"), state__in=SENT)
    return ~Q(Exists(sent))


def _referent_late_item(department: Department) -> Item:
    state = department.referent_state  # type: ignore[attr-defined]
    return department_item(
        department,
        url=reverse("paqte:department_detail", args=[department.code]),
        state=SUBMISSION_LABELS[state] if state else "Non désigné",
        detail=f"à transmettre au CGET avant le {campaign_calendar().referent_contact:%d/%m/%Y}",
    )


REFERENTS = QueryFigure(
    slug="referents-designes",
    label="Référents PAQTE désignés",
    rows=_designations,
    condition=lambda scope: Q(),
    item=_designation_item,
    list_rows=lambda scope: _designations(scope).select_related("department"),
)
REFERENTS_SENT = QueryFigure(
    slug="referents-transmis",
    label="Référents PAQTE transmis au CGET",
    rows=_designations,
    condition=lambda scope: Q(state__in=SENT),
    item=_designation_item,
    list_rows=lambda scope: _designations(scope).select_related("department"),
)
REFERENTS_LATE = QueryFigure(
    slug="referents-en-retard",
    label="Départements en retard sur la désignation du référent PAQTE",
    rows=_departments,
    condition=_referent_late,
    item=_referent_late_item,
    department_field="pk",
)


# --- Conventions, reports ------------------------------------------------------------------------


def _conventions(scope: Scope) -> QuerySet[PaqteConvention]:
    return PaqteConvention.objects.filter(department_id__in=scope.department_ids)


def _convention_item(convention: PaqteConvention) -> Item:
    return Item(
        department=convention.department,
        label=f"{convention.company.name} (SIRET {convention.company.siret})",
        url=convention.get_absolute_url(),
        state=str(convention.get_state_display()),
    )


def _convention_figure(slug: str, label: str, state: str) -> QueryFigure:
    return QueryFigure(
        slug=slug,
        label=label,
        rows=_conventions,
        condition=lambda scope: Q(state=state),
        item=_convention_item,
        list_rows=lambda scope: _conventions(scope).select_related("department", "company"),
    )


CONVENTIONS_SIGNED = _convention_figure(
    "conventions-signees", "Conventions PAQTE signées", PaqteConvention.State.SIGNED
)
CONVENTIONS_ACTIVE = _convention_figure(
    "conventions-en-cours", "Conventions PAQTE en cours", PaqteConvention.State.ACTIVE
)


def _reports(scope: Scope) -> QuerySet[SemesterReport]:
    return SemesterReport.objects.filter(department_id__in=scope.department_ids)


def _report_item(report: SemesterReport) -> Item:
    return department_item(
        report.department,
        url=report.get_absolute_url(),
        state=str(report.get_state_display()),
        detail=f"Bilan du {report.semester_label}",
    )


def _report_figure(slug: str, label: str, state: str) -> QueryFigure:
    return QueryFigure(
        slug=slug,
        label=label,
        rows=_reports,
        condition=lambda scope: Q(state=state),
        item=_report_item,
        list_rows=lambda scope: _reports(scope).select_related("department"),
        order_by=("year", "semester"),
    )


REPORTS_SUBMITTED = _report_figure(
    "bilans-transmis", "Bilans semestriels transmis (en revue au CGET)", SubmissionState.SUBMITTED
)
REPORTS_APPROVED = _report_figure("bilans-approuves", "Bilans semestriels approuvés", SubmissionState.APPROVED)
REPORTS_SENT = QueryFigure(
    slug="bilans-valides",
    label="Bilans semestriels validés par le préfet (transmis ou approuvés par le CGET)",
    rows=_reports,
    condition=lambda scope: Q(state__in=SENT),
    item=_report_item,
    list_rows=lambda scope: _reports(scope).select_related("department"),
    order_by=("year", "semester"),
)


def _semesters_due(scope: Scope) -> list[Semester]:
    return ended_semesters(today=scope.day)


def _reports_sent(scope: Scope) -> set[tuple[int, Semester]]:
    semesters = _semesters_due(scope)
    ended = Q(pk__in=[])
    for year, semester in semesters:
        ended |= Q(year=year, semester=semester)
    rows = _reports(scope).filter(ended, state__in=SENT).values_list("department_id", "year", "semester")
    return {(department_id, (year, semester)) for department_id, year, semester in rows}


def _report_late_item(department: Department, semester: Semester) -> Item:
    return department_item(
        department,
        url=reverse("paqte:department_detail", args=[department.code]),
        state="Non transmis",
        detail=f"Bilan du {semester_label(*semester)}",
    )


REPORTS_LATE = PeriodFigure(
    slug="bilans-en-retard",
    label="Bilans semestriels en retard (semestres achevés sans bilan validé par le préfet)",
    periods=_semesters_due,
    done=_reports_sent,
    item=_report_late_item,
)


# --- Charte entreprises et quartiers -------------------------------------------------------------


def _charters(scope: Scope) -> QuerySet[CharterConvention]:
    return CharterConvention.objects.filter(department_id__in=scope.department_ids)


def _charter_item(charter: CharterConvention) -> Item:
    return Item(
        department=charter.department,
        label=f"Charte {charter.reference} – {charter.company.name}",
        url=charter.get_absolute_url(),
        state=str(charter.get_state_display()),
        detail=f"prend fin le {charter.ends_on:%d/%m/%Y}",
    )


def _charter_late(scope: Scope) -> Q:
    if scope.day <= campaign_calendar().charter_migration:
        return nothing()
    return Q(state__in=CHARTER_UNSETTLED)


def _charter_figure(slug: str, label: str, condition: object) -> QueryFigure:
    return QueryFigure(
        slug=slug,
        label=label,
        rows=_charters,
        condition=condition,  # type: ignore[arg-type]
        item=_charter_item,
        list_rows=lambda scope: _charters(scope).select_related("department", "company"),
        order_by=("ends_on", "reference"),
    )


CHARTERS_PENDING = _charter_figure(
    "chartes-a-transformer",
    "Conventions de la Charte entreprises et quartiers à transformer en PAQTE",
    lambda scope: Q(state__in=CHARTER_UNSETTLED),
)
CHARTERS_LATE = _charter_figure(
    "chartes-en-retard",
    "Conventions de la Charte entreprises et quartiers non transformées après la date de la campagne",
    _charter_late,
)

FIGURES: list[QueryFigure | PeriodFigure] = [
    REFERENTS,
    REFERENTS_SENT,
    REFERENTS_LATE,
    CONVENTIONS_SIGNED,
    CONVENTIONS_ACTIVE,
    REPORTS_SUBMITTED,
    REPORTS_APPROVED,
    REPORTS_SENT,
    REPORTS_LATE,
    CHARTERS_PENDING,
    CHARTERS_LATE,
]


# --- The semestrial report (annex 2) -------------------------------------------------------------

SIGNATORY = tuple(state.value for state in PaqteConvention.SIGNATORY_STATES)
CONVENTION_LABELS = {state.value: str(state.label) for state in PaqteConvention.State}


def report_scope(report: SemesterReport, as_of: AsOf) -> Scope:
    """The scope of a report's figures: its département, its semester, as of ``as_of``."""
    return Scope(department_ids=(report.department_id,), as_of=as_of, period=(report.year, report.semester))


def _convention_state(moment: Any, convention: Any) -> Any:
    """A convention's state as of ``moment`` (``convention``: its pk, an ``OuterRef``): the
    target of the last row of its history written up to then (None: it did not exist yet)."""
    last = PaqteHistory.objects.filter(
        content_type=ContentType.objects.get_for_model(PaqteConvention), object_id=convention, at__lte=moment
    ).order_by("-at", "-pk")
    return Subquery(last.values("target")[:1])


def _result(scope: Scope) -> Any:
    """An objective's result over the scope's semester: its last value, or as of the scope's
    instant the last value recorded up to it (None: none recorded)."""
    year, semester = scope.period
    moment = scope.as_of.moment
    if moment is None:
        rows: Any = SemesterResult.objects.filter(objective=OuterRef("pk"), year=year, semester=semester)
    else:
        rows = SemesterResultRecord.objects.filter(
            objective=OuterRef("pk"), year=year, semester=semester, at__lte=moment
        ).order_by("-at", "-pk")
    return Subquery(rows.values("value")[:1])


def _report_conventions(scope: Scope) -> QuerySet[PaqteConvention]:
    if scope.as_of.moment is None:
        step: Any = F("state")
    else:
        step = _convention_state(scope.as_of.moment, OuterRef("pk"))
    return _conventions(scope).annotate(step=step)


def _report_objectives(scope: Scope) -> QuerySet[Objective]:
    """The objectives of the département's conventions, each with its convention's state
    (``step``) and its result over the semester (``result``)."""
    if scope.as_of.moment is None:
        step: Any = F("convention__state")
    else:
        step = _convention_state(scope.as_of.moment, OuterRef("convention_id"))
    return Objective.objects.filter(convention__department_id__in=scope.department_ids).annotate(
        step=step, result=_result(scope)
    )


def _report_objectives_listed(scope: Scope) -> QuerySet[Objective]:
    return _report_objectives(scope).select_related("convention__department", "convention__company", "indicator")


def _signatory_item(convention: PaqteConvention) -> Item:
    return Item(
        department=convention.department,
        label=f"{convention.company.name} (SIRET {convention.company.siret})",
        url=convention.get_absolute_url(),
        state=CONVENTION_LABELS.get(convention.step, ""),  # type: ignore[attr-defined]
        detail=f"signée le {convention.signed_on:%d/%m/%Y}" if convention.signed_on else "",
    )


def _objective_item(detail: str) -> Any:
    def item(objective: Objective) -> Item:
        convention = objective.convention
        return Item(
            department=convention.department,
            label=f"{convention.company.name} – {objective.title}",
            url=convention.get_absolute_url(),
            state=CONVENTION_LABELS.get(objective.step, "—"),  # type: ignore[attr-defined]
            detail=detail.format(objective=objective),
        )

    return item


REPORT_COMPANIES = QueryFigure(
    slug="bilan-entreprises-signataires",
    label="Entreprises signataires (conventions signées ou en cours)",
    rows=_report_conventions,
    condition=lambda scope: Q(step__in=SIGNATORY),
    item=_signatory_item,
    list_rows=lambda scope: _report_conventions(scope).select_related("department", "company"),
    order_by=("company__name", "pk"),
    empty="Aucune convention PAQTE du département n'était signée ou en cours : le bilan ne compte encore aucune "
    "entreprise signataire.",
)


NO_RESULT = "Aucune convention du département n'a saisi de réalisé sur cet indicateur pour ce semestre."


def _indicator_figures(indicator: KeyIndicator) -> tuple[QueryFigure, QueryFigure, QueryFigure]:
    """The three figures of a key indicator's line: the targets of the signatory conventions,
    the results of the semester (every convention of the département that recorded one) and the
    number of those conventions."""
    code = indicator.code
    recorded = Q(indicator_id=indicator.pk, result__isnull=False)
    common: dict[str, Any] = {
        "rows": _report_objectives,
        "department_field": "convention__department",
        "list_rows": _report_objectives_listed,
        "order_by": ("convention__company__name", "pk"),
    }
    target = QueryFigure(
        slug=f"bilan-cible-{code}",
        label=f"Cible des conventions signataires – {indicator.label} ({indicator.unit})",
        condition=lambda scope: Q(indicator_id=indicator.pk, step__in=SIGNATORY),
        item=_objective_item(""),  # the list's « Valeur » is the target
        value="target",
        empty="Aucune convention signée ou en cours du département ne fixe d'objectif sur cet indicateur.",
        **common,
    )
    result = QueryFigure(
        slug=f"bilan-realise-{code}",
        label=f"Réalisé au semestre – {indicator.label} ({indicator.unit})",
        condition=lambda scope: recorded,
        item=_objective_item(""),  # the list's « Valeur » is the result
        value="result",
        empty=NO_RESULT,
        **common,
    )
    conventions = QueryFigure(
        slug=f"bilan-conventions-{code}",
        label=f"Conventions ayant saisi un réalisé au semestre – {indicator.label}",
        condition=lambda scope: recorded,
        item=_objective_item("réalisé : {objective.result}"),
        empty=NO_RESULT,
        **common,
    )
    return target, result, conventions


def _specific_figure(axis: str, label: str) -> QueryFigure:
    return QueryFigure(
        slug=f"bilan-engagements-{axis}",
        label=f"Engagements spécifiques des PME et TPE signataires – axe « {label} »",
        rows=_report_objectives,
        condition=lambda scope: Q(axis=axis, indicator__isnull=True, step__in=SIGNATORY),
        item=_objective_item("cible : {objective.target}, réalisé : {objective.result}"),
        department_field="convention__department",
        list_rows=_report_objectives_listed,
        order_by=("convention__company__name", "pk"),
        empty=f"Aucune PME ou TPE signataire n'a pris d'engagement spécifique sur l'axe « {label} » "
        "(annexe 2 : une PME ou une TPE peut ne retenir que certains axes ou ajouter des engagements spécifiques).",
    )


REPORT_SPECIFIC = {axis: _specific_figure(axis, str(label)) for axis, label in Axis.choices}


def _qpvs(scope: Scope) -> QuerySet[Qpv]:
    return Qpv.objects.filter(department_id__in=scope.department_ids, geography=Qpv.Geography.G2015)


def _qpv_item(qpv: Qpv) -> Item:
    return Item(department=qpv.department, label=f"{qpv.code} – {qpv.name}", detail=qpv.commune_names)


def _contracts(scope: Scope) -> QuerySet[CityContract]:
    return CityContract.objects.filter(department_id__in=scope.department_ids)


def _contract_item(contract: CityContract) -> Item:
    return Item(
        department=contract.department,  # type: ignore[arg-type]
        label=f"{contract.code} – {contract.name}",
        url=reverse("reference:city_contract_detail", args=[contract.code, contract.department_code]),
        detail=f"population des QPV : {contract.qpv_population}",
    )


REPORT_QPVS = QueryFigure(
    slug="bilan-qpv",
    label="Quartiers prioritaires (QPV) du département",
    rows=_qpvs,
    condition=lambda scope: Q(),
    item=_qpv_item,
    list_rows=lambda scope: _qpvs(scope).select_related("department"),
    order_by=("code",),
    empty="Le département ne compte aucun quartier prioritaire de la politique de la ville (géographie 2015).",
)
REPORT_POPULATION = QueryFigure(
    slug="bilan-population-qpv",
    label="Population des QPV du département (par contrat de ville)",
    rows=_contracts,
    condition=lambda scope: Q(),
    item=_contract_item,
    list_rows=lambda scope: _contracts(scope).select_related("department"),
    order_by=("code",),
    value="qpv_population",
    empty="Le département n'a aucun contrat de ville : aucune population de QPV à additionner.",
)


@dataclass(frozen=True)
class ReportFigureSet:
    """The report's figures: the companies, each key indicator's three (by indicator code), the
    specific commitments per axis, the QPV."""

    companies: QueryFigure
    indicators: dict[str, tuple[QueryFigure, QueryFigure, QueryFigure]]
    specific: dict[str, QueryFigure]
    qpvs: QueryFigure
    population: QueryFigure

    def all(self) -> list[QueryFigure]:
        per_indicator = [figure for figures in self.indicators.values() for figure in figures]
        return [self.companies, *per_indicator, *self.specific.values(), self.qpvs, self.population]

    def get(self, slug: str) -> QueryFigure | None:
        return next((figure for figure in self.all() if figure.slug == slug), None)


def report_figures() -> ReportFigureSet:
    """The report's figures, one line per key indicator of the PAQTE (one query)."""
    return ReportFigureSet(
        companies=REPORT_COMPANIES,
        indicators={indicator.code: _indicator_figures(indicator) for indicator in KeyIndicator.objects.all()},
        specific=REPORT_SPECIFIC,
        qpvs=REPORT_QPVS,
        population=REPORT_POPULATION,
    )
