"""Builders for PAQTE tests: real services, real rows."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from accounts.models import User
from reference.models import Department
from tests.factories.paqte import make_siret
from workflows.cases.runner import transition_run
from workflows.paqte import services
from workflows.paqte.models import Company, KeyIndicator, PaqteConvention

_numbers = itertools.count(20_000_000)


def company_of(size: str = Company.Size.PME, **kwargs: object) -> Company:
    values: dict[str, object] = {
        "siret": make_siret(),
        "name": f"Entreprise {next(_numbers)}",
        "size": size,
        "sector": "Commerce",
        "address": "1 rue de la Paix, 59000 Lille",
        "signature_level": Company.SignatureLevel.LOCAL,
    }
    values.update(kwargs)
    return services.company_create(**values)  # type: ignore[arg-type]


def add_all_axes(agent: User, convention: PaqteConvention, target: int = 10) -> None:
    seen: set[str] = set()
    for indicator in KeyIndicator.objects.order_by("position"):
        if indicator.axis not in seen:
            seen.add(indicator.axis)
            services.objective_add(user=agent, convention=convention, indicator=indicator, target=target)


ORDER = ["draft", "negotiation", "signed", "active"]


def convention_of(
    agent: User,
    department: Department,
    *,
    size: str = Company.Size.PME,
    state: str = "draft",
    company: Company | None = None,
    signed_on: datetime.date | None = None,
) -> PaqteConvention:
    """A convention brought to ``state`` (draft…active) through the services."""
    convention = services.convention_create(user=agent, company=company or company_of(size), department=department)
    if state == "draft":
        return convention
    add_all_axes(agent, convention)
    convention = transition_run(case=convention, user=agent, name="start_negotiation")
    if state == "negotiation":
        return convention
    convention = transition_run(case=convention, user=agent, name="sign", signed_on=signed_on or timezone.localdate())
    if state == "signed":
        return convention
    return transition_run(case=convention, user=agent, name="activate")
