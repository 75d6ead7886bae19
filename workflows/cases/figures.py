"""Figures: a number shown on a dashboard or in a document, defined once as the set of what it
counts, so that the number and the list behind it come from the same definition (issue « Beyond
every anchor… », point 3: traceable, reproducible figures).

Two shapes:

- ``QueryFigure``: rows of one model (cases, contracts de ville, départements) under a
  condition. The count is ``Count("pk", filter=condition)`` grouped by département; the list is
  ``rows.filter(condition)``: the same queryset, the same condition. Figures that share their
  ``rows`` function are counted in one grouped query. A figure with a ``value`` (a column or an
  annotation of the rows: the targets of the conventions, the results of a semester) is the sum
  of that value over the same rows, and each line of its list carries its share.
- ``PeriodFigure``: what is due once per period and per département and has no row when it is
  missing (a semestrial report never written, a collège never held): the pairs (département,
  period) of the due periods minus those done. Count and list are the same pairs.

A ``Scope`` says for which départements (already the user's scope, ``accounts.selectors``), as
of when (``AsOf``): the campaign's day lateness is measured against, and optionally an instant
for a recomputation from the histories (a transmitted document « as of » its transmission), and
for a document that covers a period, which one (the semester of a semestrial report). Figures
whose ``rows`` ignore the instant read the cases' current states.

The kernel holds the mechanism only; each case kind defines its figures in its own
``figures.py`` and the dashboard (``workflows.steering.figures``) gathers them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from reference.models import Department


@dataclass(frozen=True)
class AsOf:
    """``day``: the campaign's day (lateness, due periods). ``moment``: None for the cases' current
    states, else the instant the histories are read up to."""

    day: dt.date
    moment: dt.datetime | None = None


@dataclass(frozen=True)
class Scope:
    department_ids: tuple[int, ...]
    as_of: AsOf
    period: Any = None  # the period a document's figures cover (a semester: (year, number))

    @property
    def day(self) -> dt.date:
        return self.as_of.day


@dataclass(frozen=True)
class Item:
    """One line of a figure's list."""

    department: Department
    label: str
    url: str = ""
    state: str = ""
    detail: str = ""
    value: int | None = None  # the line's share of a summed figure (``QueryFigure.value``)


@dataclass(frozen=True)
class QueryFigure:
    slug: str  # in the list's URL: stable
    label: str
    rows: Callable[[Scope], QuerySet[Any]]  # the rows of the scope's départements (annotated as needed)
    condition: Callable[[Scope], Q]
    item: Callable[[Any], Item]
    department_field: str = "department"  # the rows' département column ("pk" for départements)
    order_by: tuple[str, ...] = ("pk",)
    # The rows as listed (``select_related`` for the items), the same rows as counted.
    list_rows: Callable[[Scope], QuerySet[Any]] | None = None
    # The figure is the sum of this column (or annotation) of the rows, not their number.
    value: str = ""
    # What its list says when it has no line: why, in the user's words (« Aucune ligne. »).
    empty: str = ""

    def aggregate(self, scope: Scope) -> Any:
        condition = self.condition(scope)
        if self.value:
            return Coalesce(Sum(self.value, filter=condition), 0)
        return Count("pk", filter=condition)

    def counts(self, scope: Scope) -> dict[int, int]:
        return figures_count([self], scope)[self.slug]

    def queryset(self, scope: Scope) -> QuerySet[Any]:
        field_name = self.department_field
        return (
            (self.list_rows or self.rows)(scope)
            .filter(self.condition(scope))
            .order_by(f"{field_name}__code" if field_name != "pk" else "code", *self.order_by)
        )

    def items(self, scope: Scope) -> list[Item]:
        rows = list(self.queryset(scope))
        if not self.value:
            return [self.item(row) for row in rows]
        # Each line carries its share of the sum (the value is a column or annotation of the row).
        return [replace(self.item(row), value=getattr(row, self.value) or 0) for row in rows]


@dataclass(frozen=True)
class PeriodFigure:
    slug: str
    label: str
    periods: Callable[[Scope], list[Any]]  # the periods due, oldest first
    done: Callable[[Scope], set[tuple[int, Any]]]  # (département id, period) done, in one query
    item: Callable[[Department, Any], Item]
    empty: str = ""  # what its list says when it has no line

    def counts(self, scope: Scope) -> dict[int, int]:
        return figures_count([self], scope)[self.slug]

    def pairs(self, scope: Scope) -> list[tuple[int, Any]]:
        periods = self.periods(scope)
        if not periods:
            return []
        done = self.done(scope)
        return [(pk, period) for pk in scope.department_ids for period in periods if (pk, period) not in done]

    def items(self, scope: Scope) -> list[Item]:
        pairs = self.pairs(scope)
        departments = {d.pk: d for d in Department.objects.filter(pk__in={pk for pk, _ in pairs})}
        result = [self.item(departments[pk], period) for pk, period in pairs]
        return sorted(result, key=lambda item: item.department.code)


Figure = QueryFigure | PeriodFigure


@dataclass
class FigureCounts:
    """``by_department[slug][département id]``; a missing département counts 0."""

    by_department: dict[str, dict[int, int]] = field(default_factory=dict)

    def get(self, slug: str, department_id: int) -> int:
        return self.by_department.get(slug, {}).get(department_id, 0)

    def total(self, slug: str) -> int:
        return sum(self.by_department.get(slug, {}).values())


def figures_count(figures: Iterable[Figure], scope: Scope) -> dict[str, dict[int, int]]:
    """Every figure's count per département: one grouped query per ``rows`` function (and one per
    period figure), whatever the number of départements and cases."""
    result: dict[str, dict[int, int]] = {}
    groups: dict[tuple[Callable[[Scope], QuerySet[Any]], str], list[QueryFigure]] = defaultdict(list)
    for figure in figures:
        if isinstance(figure, PeriodFigure):
            counts: dict[int, int] = defaultdict(int)
            for pk, _period in figure.pairs(scope):
                counts[pk] += 1
            result[figure.slug] = dict(counts)
        else:
            groups[(figure.rows, figure.department_field)].append(figure)
    for (rows, department_field), members in groups.items():
        if not scope.department_ids:
            result.update({figure.slug: {} for figure in members})
            continue
        column = "pk" if department_field == "pk" else f"{department_field}_id"
        aggregates = {f"n{index}": figure.aggregate(scope) for index, figure in enumerate(members)}
        per_department = {row.pop(column): row for row in rows(scope).order_by().values(column).annotate(**aggregates)}
        for index, figure in enumerate(members):
            result[figure.slug] = {pk: values[f"n{index}"] for pk, values in per_department.items()}
    return result


def figure_get(figures: Sequence[Figure], slug: str) -> Figure | None:
    return next((figure for figure in figures if figure.slug == slug), None)


def nothing() -> Q:
    """A condition no row meets (a figure not yet due)."""
    return Q(pk__in=[])


def department_item(department: Department, *, url: str = "", state: str = "", detail: str = "") -> Item:
    return Item(
        department=department, label=f"{department.name} ({department.code})", url=url, state=state, detail=detail
    )
