"""Builders for PAQTE tests: real services, real rows."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from stdnum import luhn

from accounts.models import User
from reference.models import Department
from workflows.paqte import services
from workflows.paqte.models import Company, KeyIndicator, PaqteConvention

_numbers = itertools.count(10_000_000)


def make_siret(n: int | None = None) -> str:
    """A valid SIRET: a SIREN with its Luhn key, then an establishment number and its key."""
    n = next(_numbers) if n is None else n
    siren = f"{n % 100_000_000:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


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
    convention = services.case_transition(case=convention, user=agent, name="start_negotiation")
    if state == "negotiation":
        return convention
    convention = services.case_transition(
        case=convention, user=agent, name="sign", signed_on=signed_on or timezone.localdate()
    )
    if state == "signed":
        return convention
    return services.case_transition(case=convention, user=agent, name="activate")
