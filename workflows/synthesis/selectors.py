"""Reads on the prefect's synthesis, always through the user's département scope
(``accounts.selectors.department_scope``): anything outside it is a 404."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import Http404

from accounts.models import User
from accounts.selectors import department_scope
from notifications.campaign import campaign_calendar
from reference import selectors as reference_selectors
from reference.models import Department
from workflows.cases.figures import AsOf, Scope, figures_count
from workflows.renewal import figures as renewal_figures
from workflows.renewal.models.renewal import RenewalState
from workflows.synthesis.models import Synthesis, due_on


@dataclass(frozen=True)
class RenovationRow:
    state: str
    label: str
    count: int
    late: int


@dataclass(frozen=True)
class RenovationState:
    """The renovation of the département's contrats de ville, by step, and the late ones
    against the campaign's signature date. ``frozen``: the copy transmitted with the synthesis."""

    rows: list[RenovationRow]
    total: int
    late: int
    computed_on: datetime.date
    deadline: datetime.date
    frozen: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": [{"state": r.state, "label": r.label, "count": r.count, "late": r.late} for r in self.rows],
            "total": self.total,
            "late": self.late,
            "computed_on": self.computed_on.isoformat(),
            "deadline": self.deadline.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RenovationState:
        return cls(
            rows=[RenovationRow(**row) for row in data["rows"]],
            total=data["total"],
            late=data["late"],
            computed_on=datetime.date.fromisoformat(data["computed_on"]),
            deadline=datetime.date.fromisoformat(data["deadline"]),
            frozen=True,
        )


def renovation_state(
    *, department: Department, today: datetime.date, moment: datetime.datetime | None = None
) -> RenovationState:
    """The renovation table from the renovation's figures (``workflows.renewal.figures``: each
    count is a figure whose list the table links to), in one query whatever the number of
    contracts. A contract without a renovation case is « non commencée ». Late: not signed once
    the campaign's signature date has passed, or signed after it.

    ``moment``: recomputed from the renovations' histories as they stood at that instant (a
    transmitted synthesis « as of » its transmission: ``snapshot_as_of``)."""
    deadline = campaign_calendar().renewal_signature
    scope = Scope(department_ids=(department.pk,), as_of=AsOf(day=today, moment=moment))
    wanted = [*renewal_figures.STEPS.values(), *renewal_figures.LATE_BY_STEP.values()]
    counts = figures_count(wanted, scope)
    rows = [
        RenovationRow(
            state=state.value,
            label=str(state.label),
            count=counts[renewal_figures.STEPS[state.value].slug].get(department.pk, 0),
            late=counts[renewal_figures.LATE_BY_STEP[state.value].slug].get(department.pk, 0),
        )
        for state in RenewalState
    ]
    return RenovationState(
        rows=rows,
        total=sum(r.count for r in rows),
        late=sum(r.late for r in rows),
        computed_on=today,
        deadline=deadline,
    )


def snapshot_as_of(synthesis: Synthesis) -> AsOf:
    """The instant a transmitted synthesis's renovation table was frozen: the campaign's day it
    was computed on and the transmission's timestamp (the histories up to it)."""
    snapshot = synthesis.renovation_snapshot or {}
    day = datetime.date.fromisoformat(snapshot["computed_on"]) if "computed_on" in snapshot else None
    if synthesis.submitted_at is None or day is None:
        raise ValueError("La synthèse n'a pas été transmise.")
    return AsOf(day=day, moment=synthesis.submitted_at)


def renovation_recomputed(*, synthesis: Synthesis) -> RenovationState:
    """A transmitted synthesis's renovation table recomputed from the histories as of its
    transmission: equal to its snapshot (the figures are reproducible)."""
    as_of = snapshot_as_of(synthesis)
    return renovation_state(department=synthesis.department, today=as_of.day, moment=as_of.moment)


def synthesis_renovation(
    *, synthesis: Synthesis | None, department: Department, today: datetime.date
) -> RenovationState:
    """The frozen table once submitted, else the live one."""
    if synthesis is not None and synthesis.renovation_snapshot:
        return RenovationState.from_json(synthesis.renovation_snapshot)
    return renovation_state(department=department, today=today)


def year_check(year: int, today: datetime.date) -> None:
    if not campaign_calendar().first_year <= year <= today.year + 1:
        raise Http404


@dataclass(frozen=True)
class SynthesisRow:
    department: Department
    synthesis: Synthesis | None
    is_late: bool


def synthesis_rows(*, user: User | AnonymousUser, year: int, today: datetime.date) -> list[SynthesisRow]:
    """One row per département in the user's scope with its synthesis of ``year`` (or none):
    two queries whatever the number of départements."""
    departments = (
        department_scope(user)
        .select_related("region")
        .prefetch_related(Prefetch("syntheses", queryset=Synthesis.objects.filter(year=year), to_attr="year_syntheses"))
        .order_by("code")
    )
    rows = []
    for department in departments:
        synthesis = department.year_syntheses[0] if department.year_syntheses else None
        late = synthesis.is_late(today) if synthesis is not None else today > due_on(year)
        rows.append(SynthesisRow(department=department, synthesis=synthesis, is_late=late))
    return rows


def synthesis_find(
    *, user: User | AnonymousUser, code: str, year: int, today: datetime.date
) -> tuple[Department, Synthesis | None]:
    """The département (404 outside the user's scope) and its synthesis of ``year``, if any."""
    year_check(year, today)
    department = reference_selectors.department_get(user=user, code=code)
    synthesis = (
        Synthesis.objects.filter(department=department, year=year)
        .select_related("department")
        .prefetch_related("history__actor")
        .first()
    )
    return department, synthesis
