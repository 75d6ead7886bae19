"""Signed renovation cases for the follow-up tests, built directly (the full task path is
exercised once, in ``test_generation.py``)."""

from __future__ import annotations

import datetime as dt

from reference.models import CityContract
from tests.factories.renewal import CommitmentFactory, RenewalFactory
from workflows.models import Commitment, Renewal


def signed_renewal(
    department_code: str = "59", *, signed_on: dt.date = dt.date(2019, 7, 12), index: int = 0
) -> Renewal:
    contract = CityContract.objects.filter(department__code=department_code).order_by("code")[index]
    return RenewalFactory.create(city_contract=contract, signed=True, signed_on=signed_on)


def commitment(
    renewal: Renewal, frequency: str = "annual", unit: str = "", text: str = "Créer des commerces"
) -> Commitment:
    return CommitmentFactory.create(renewal=renewal, frequency=frequency, unit=unit, text=text)
