"""Reads on reference data, always through the user's département scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import department_scope, scoped
from reference.models import CityContract, Department, Measure, MeasureLevelChange, Qpv


def department_list(*, user: User | AnonymousUser) -> QuerySet[Department]:
    return (
        department_scope(user)
        .select_related("region")
        .annotate(
            city_contract_count=Count("city_contracts", distinct=True),
            qpv_2015_count=Count("qpvs", filter=Q(qpvs__geography=Qpv.Geography.G2015), distinct=True),
            qpv_2024_count=Count("qpvs", filter=Q(qpvs__geography=Qpv.Geography.G2024), distinct=True),
        )
        .order_by("code")
    )


def department_get(*, user: User | AnonymousUser, code: str) -> Department:
    """The département, or 404 when it does not exist or is outside the user's scope."""
    return get_object_or_404(department_scope(user).select_related("region"), code=code)


def city_contract_list(*, user: User | AnonymousUser, department: Department | None = None) -> QuerySet[CityContract]:
    queryset = scoped(CityContract.objects.select_related("department", "epci"), user)
    if department is not None:
        queryset = queryset.filter(department=department)
    return queryset.order_by("department_code", "code")


def city_contract_get(*, user: User | AnonymousUser, code: str, territory: str) -> CityContract:
    return get_object_or_404(city_contract_list(user=user), code=code, department_code=territory)


def qpv_list(
    *, user: User | AnonymousUser, department: Department | None = None, geography: int | None = None
) -> QuerySet[Qpv]:
    queryset = scoped(Qpv.objects.all(), user)
    if department is not None:
        queryset = queryset.filter(department=department)
    if geography is not None:
        queryset = queryset.filter(geography=geography)
    return queryset.order_by("code")


def city_contract_qpvs(*, user: User | AnonymousUser, contract: CityContract) -> QuerySet[Qpv]:
    """2015 QPV inside the contract's carrying EPCI (2022 composition): the data has no direct link."""
    if contract.epci_id is None:
        return Qpv.objects.none()
    return qpv_list(user=user, geography=Qpv.Geography.G2015).filter(epcis=contract.epci_id)


def measure_list() -> QuerySet[Measure]:
    return Measure.objects.select_related("parent").prefetch_related("indicators").order_by("position")


@dataclass(frozen=True)
class LevelCount:
    level: str
    label: str
    count: int
    percent: int


def percent_rounded(*, part: int, total: int) -> int:
    """A whole percentage rounded half up, as annex 3 prints it (3/40 = 7.5 → 8 %, 1/40 → 3 %)."""
    if total == 0:
        return 0
    return (200 * part + total) // (2 * total)


def measure_summary() -> tuple[list[LevelCount], int]:
    """Annex 3's summary table computed from the data: top-level measures per level.

    Sub-measures (1.a, 1.b) are excluded, as in the circular. One aggregate query.
    """
    top_level = Measure.objects.filter(parent__isnull=True)
    counts = top_level.aggregate(
        total=Count("pk"), **{value: Count("pk", filter=Q(level=value)) for value in Measure.Level.values}
    )
    total = counts["total"]
    rows = [
        LevelCount(
            level=value, label=str(label), count=counts[value], percent=percent_rounded(part=counts[value], total=total)
        )
        for value, label in Measure.Level.choices
    ]
    return rows, total


def measure_get(*, number: str) -> Measure:
    return get_object_or_404(Measure, number=number, parent__isnull=True)


def measure_level_history(*, measure: Measure | None = None) -> QuerySet[MeasureLevelChange]:
    """The dated history of levels, newest first, for one measure or all of them."""
    queryset = MeasureLevelChange.objects.select_related("measure", "changed_by")
    if measure is not None:
        queryset = queryset.filter(measure=measure)
    return queryset.order_by("-changed_on", "-pk")
