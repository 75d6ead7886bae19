"""Reads on the prefect's synthesis, always through the user's département scope
(``accounts.selectors.department_scope``): anything outside it is a 404."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from accounts.models import User
from accounts.selectors import department_scope
from notifications.campaign import campaign_calendar
from reference import selectors as reference_selectors
from reference.models import CityContract, Department
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


def renovation_state(*, department: Department, today: datetime.date) -> RenovationState:
    """Counted from the data in one query whatever the number of contracts. A contract without
    a renovation case is « non commencée ». Late: not signed once the campaign's signature date has passed, or
    signed after it."""
    deadline = campaign_calendar().renewal_signature
    past_deadline = today > deadline
    aggregates: dict[str, Any] = {}
    for state in RenewalState:
        match = Q(renewal__state=state)
        if state == RenewalState.NOT_STARTED:
            match |= Q(renewal__isnull=True)
        aggregates[state.value] = Count("pk", filter=match)
    aggregates["signed_late"] = Count(
        "pk", filter=Q(renewal__state=RenewalState.SIGNED, renewal__signed_on__gt=deadline)
    )
    counts = CityContract.objects.filter(department=department).aggregate(**aggregates)
    rows = []
    for state in RenewalState:
        count = counts[state.value]
        unsigned_late = count if past_deadline else 0
        late = counts["signed_late"] if state == RenewalState.SIGNED else unsigned_late
        rows.append(RenovationRow(state=state.value, label=str(state.label), count=count, late=late))
    return RenovationState(
        rows=rows,
        total=sum(r.count for r in rows),
        late=sum(r.late for r in rows),
        computed_on=today,
        deadline=deadline,
    )


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
