"""The PAQTE conventions a transition creates (its table's ``creates``, ``workflows.paqte.transitions``).

The kernel's runner calls them on the locked case once it has moved (a renewed convention is no
longer open, so its successor may be), in the transition's transaction: a refused renewal or
migration creates nothing, and two agents clicking at once create one convention. Annex 2: a
convention lasts three years, then is renewed; a charter convention becomes a PAQTE convention
carrying its targets.
"""

from __future__ import annotations

from typing import Any

from workflows.cases.registry import kind_of
from workflows.cases.tasks import workflow_start
from workflows.paqte.models import CharterConvention, KeyIndicator, Objective, PaqteConvention

ALREADY_OPEN = "Cette entreprise a déjà une convention PAQTE en cours dans ce département."


def convention_open(*, user: Any, company: Any, department: Any, comment: str = "", **fields: Any) -> PaqteConvention:
    """A new PAQTE convention in draft, its history's first row and its flow started."""
    convention = PaqteConvention.objects.create(company=company, department=department, **fields)
    kind_of(convention).history_append(
        case=convention, actor=user, transition="create", source="", target=convention.state, comment=comment
    )
    workflow_start(case=convention)
    return convention


def convention_successor(convention: PaqteConvention, user: Any) -> PaqteConvention:
    """The renewed convention's successor, in draft, with the same objectives."""
    new = convention_open(
        user=user,
        company=convention.company,
        department=convention.department,
        comment="Renouvellement",
        renewal_of=convention,
    )
    Objective.objects.bulk_create(
        Objective(convention=new, axis=o.axis, indicator_id=o.indicator_id, label=o.label, target=o.target)
        for o in convention.objectives.all()
    )
    return new


def charter_successor(charter: CharterConvention, user: Any) -> PaqteConvention:
    """The PAQTE convention (draft) an offered charter convention became: one objective per axis
    of the charter's targets, on the axis's first key indicator; the charter points to it."""
    if PaqteConvention.objects.filter(
        company_id=charter.company_id, department_id=charter.department_id, state__in=PaqteConvention.OPEN_STATES
    ).exists():
        raise kind_of(charter).error([ALREADY_OPEN])
    convention = convention_open(user=user, company=charter.company, department=charter.department)
    first_indicator: dict[str, KeyIndicator] = {}
    for indicator in KeyIndicator.objects.order_by("position"):
        first_indicator.setdefault(indicator.axis, indicator)
    Objective.objects.bulk_create(
        Objective(convention=convention, axis=axis, indicator=first_indicator[axis], target=int(target))
        for axis, target in sorted(charter.targets.items())
        if axis in first_indicator and target is not None
    )
    charter.paqte_convention = convention
    charter.save(update_fields=["paqte_convention"])
    return convention
