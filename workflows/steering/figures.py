"""The dashboard's figure registry: every figure of the national dashboard, of the département's
steering page and of the 15 March synthesis's renovation table, each defined once
(``workflows.cases.figures``) in its case kind's ``figures.py``; the collèges des chefs de
service are defined here. ``/pilotage/tableau-de-bord/chiffres/<slug>/`` lists what a figure
counts, with the dashboard's scope and filters (``?region=``, ``?departement=``).

``DEADLINES``: every deadline kind of the campaign (circular of 22 January 2019 and its annex 2),
its date from the campaign's calendar, the figure of what is done and the figure of what is late
against the campaign's day (``campaign_today()``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse

from notifications.campaign import CampaignCalendar, Semester, campaign_calendar, ended_semesters, semester_label
from reference.models import Department
from workflows.cases.figures import (
    Figure,
    Item,
    PeriodFigure,
    QueryFigure,
    Scope,
    department_item,
    figure_get,
    figures_count,
)
from workflows.paqte import figures as paqte
from workflows.renewal import figures as renewal
from workflows.steering.models import Meeting
from workflows.synthesis import figures as synthesis


def _semesters(scope: Scope) -> list[Semester]:
    return ended_semesters(today=scope.day)


def _ended(scope: Scope) -> Q:
    ended = Q(pk__in=[])
    for year, semester in _semesters(scope):
        ended |= Q(year=year, semester=semester)
    return ended


def _colleges(scope: Scope) -> QuerySet[Meeting]:
    return Meeting.objects.filter(kind=Meeting.Kind.SERVICE_HEADS, department_id__in=scope.department_ids)


def _college_item(meeting: Meeting) -> Item:
    return department_item(
        meeting.department,  # type: ignore[arg-type]
        url=reverse("steering:meeting_detail", args=[meeting.pk]),
        state=str(meeting.get_state_display()),
        detail=f"{meeting.period_label}{f', le {meeting.date:%d/%m/%Y}' if meeting.date else ''}",
    )


def _colleges_held(scope: Scope) -> set[tuple[int, Semester]]:
    rows = (
        _colleges(scope)
        .filter(_ended(scope), state=Meeting.State.HELD)
        .values_list("department_id", "year", "semester")
    )
    return {(department_id, (year, semester or 0)) for department_id, year, semester in rows}


def _college_missing_item(department: Department, semester: Semester) -> Item:
    return department_item(
        department,
        url=reverse("steering:department_detail", args=[department.code]),
        state="Non tenu",
        detail=f"Collège du {semester_label(*semester)}",
    )


COLLEGES_HELD = QueryFigure(
    slug="colleges-tenus",
    label="Collèges des chefs de service tenus (semestres achevés)",
    rows=_colleges,
    condition=lambda scope: _ended(scope) & Q(state=Meeting.State.HELD),
    item=_college_item,
    list_rows=lambda scope: _colleges(scope).select_related("department"),
    order_by=("year", "semester"),
)
COLLEGES_MISSING = PeriodFigure(
    slug="colleges-manquants",
    label="Collèges des chefs de service non tenus (semestres achevés)",
    periods=_semesters,
    done=_colleges_held,
    item=_college_missing_item,
)

FIGURES: list[Figure] = [
    *renewal.FIGURES,
    *paqte.FIGURES,
    *synthesis.FIGURES,
    COLLEGES_HELD,
    COLLEGES_MISSING,
]


def figure_by_slug(slug: str) -> Figure | None:
    return figure_get(FIGURES, slug)


@dataclass(frozen=True)
class DeadlineKind:
    """One deadline kind of the campaign, as the dashboard and the département's page show it."""

    label: str
    due: Callable[[CampaignCalendar], str]  # its date, from the campaign's calendar, in words
    done: Figure
    late: Figure
    done_label: tuple[str, str]  # what is done, singular and plural: (« contrat signé », « contrats signés »)


DEADLINES: list[DeadlineKind] = [
    DeadlineKind(
        label="Rénovation des contrats de ville signée",
        due=lambda calendar: f"avant le {calendar.renewal_signature:%d/%m/%Y}",
        done=renewal.SIGNED,
        late=renewal.LATE,
        done_label=("contrat signé", "contrats signés"),
    ),
    DeadlineKind(
        label="Référent PAQTE désigné et transmis au CGET",
        due=lambda calendar: f"avant le {calendar.referent_contact:%d/%m/%Y}",
        done=paqte.REFERENTS_SENT,
        late=paqte.REFERENTS_LATE,
        done_label=("référent transmis", "référents transmis"),
    ),
    DeadlineKind(
        label="Synthèse du préfet transmise au CGET",
        due=lambda calendar: f"avant le {calendar.synthesis:%d/%m/%Y}",
        done=synthesis.SENT_FIGURE,
        late=synthesis.LATE,
        done_label=("synthèse transmise", "synthèses transmises"),
    ),
    DeadlineKind(
        label="Bilan semestriel PAQTE",
        due=lambda calendar: "chaque semestre (dernier jour du semestre)",
        done=paqte.REPORTS_SENT,
        late=paqte.REPORTS_LATE,
        done_label=("bilan transmis au CGET", "bilans transmis au CGET"),
    ),
    DeadlineKind(
        label="Collège des chefs de service",
        due=lambda calendar: "chaque semestre (dernier jour du semestre)",
        done=COLLEGES_HELD,
        late=COLLEGES_MISSING,
        done_label=("collège tenu", "collèges tenus"),
    ),
    DeadlineKind(
        label="Conventions de la Charte entreprises et quartiers transformées en PAQTE",
        due=lambda calendar: f"avant le {calendar.charter_migration:%d/%m/%Y}",
        done=paqte.CHARTERS_PENDING,
        late=paqte.CHARTERS_LATE,
        done_label=("convention encore à transformer", "conventions encore à transformer"),
    ),
]


@dataclass(frozen=True)
class DeadlineLine:
    label: str
    due: str
    done: int
    done_label: tuple[str, str]
    done_slug: str
    late: int
    late_slug: str

    @property
    def done_words(self) -> str:
        return self.done_label[0] if self.done <= 1 else self.done_label[1]


def deadline_lines(counts: dict[str, dict[int, int]]) -> list[DeadlineLine]:
    """The deadline kinds with their totals over the counted scope."""
    calendar = campaign_calendar()
    return [
        DeadlineLine(
            label=kind.label,
            due=kind.due(calendar),
            done=sum(counts.get(kind.done.slug, {}).values()),
            done_label=kind.done_label,
            done_slug=kind.done.slug,
            late=sum(counts.get(kind.late.slug, {}).values()),
            late_slug=kind.late.slug,
        )
        for kind in DEADLINES
    ]


def deadline_lines_for(scope: Scope) -> list[DeadlineLine]:
    """The deadline kinds counted over ``scope`` (the département's steering page)."""
    wanted = [figure for kind in DEADLINES for figure in (kind.done, kind.late)]
    return deadline_lines(figures_count(wanted, scope))
