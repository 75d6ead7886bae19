"""Signed renovation cases for the follow-up tests, built directly (the full task path is
exercised once, in ``test_generation.py``)."""

from __future__ import annotations

import datetime as dt

from reference.models import CityContract
from workflows.models import Commitment, Renewal


def signed_renewal(
    department_code: str = "59", *, signed_on: dt.date = dt.date(2019, 7, 12), index: int = 0
) -> Renewal:
    contract = CityContract.objects.filter(department__code=department_code).order_by("code")[index]
    return Renewal.objects.create(
        city_contract=contract,
        department=contract.department,
        state="signed",
        signed_on=signed_on,
        signed_by="Préfet, président de l'EPCI",
    )


def commitment(
    renewal: Renewal, frequency: str = "annual", unit: str = "", text: str = "Créer des commerces"
) -> Commitment:
    return Commitment.objects.create(
        renewal=renewal,
        party=Commitment.Party.EPCI,
        domain="economy_employment",
        text=text,
        indicator="Nombre de commerces créés",
        target_value="20",
        target_year=2021,
        frequency=frequency,
        unit=unit,
    )
