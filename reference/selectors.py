"""Reads on reference data, always through the user's département scope."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import department_scope, scoped
from reference.models import CityContract, Department, Measure, Qpv


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
