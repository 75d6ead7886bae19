"""The number of SQL queries of every list page is the same with 1 and with 100 rows."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role
from accounts.services import department_grant
from reference.models import CityContract, Department, Epci, Measure, MeasureIndicator, Qpv, QpvEpci, Region
from tests.clients import logged
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, site config) first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def trial_department(make_user: MakeUser) -> tuple[Department, Client]:
    department = Department.objects.create(
        code="999", name="Département d'essai", region=Region.objects.get(code="32"), prefecture_commune_code="99999"
    )
    agent = make_user(Role.AGENT, "59")
    department_grant(user=agent, department=department)
    return department, logged(agent)


def add_rows(department: Department, start: int, count: int, epci: Epci | None = None) -> None:
    CityContract.objects.bulk_create(
        CityContract(
            code=f"CV{n:03d}",
            department_code=department.code,
            department=department,
            name=f"Contrat d'essai {n}",
            carrier_code="999999999",
            carrier_type="epci",
            qpv_population=n,
            epci=epci,
        )
        for n in range(start, start + count)
    )
    for geography, prefix in ((2015, "QP999"), (2024, "QN999")):
        qpvs = Qpv.objects.bulk_create(
            Qpv(
                code=f"{prefix}{n:03d}",
                geography=geography,
                name=f"Quartier {n}",
                department=department,
                commune_codes="99999",
                commune_names="Essai",
            )
            for n in range(start, start + count)
        )
        if epci is not None and geography == 2015:
            QpvEpci.objects.bulk_create(QpvEpci(qpv=qpv, epci=epci) for qpv in qpvs)


def test_department_list(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    client = logged(agent)
    with_one = queries(client, "/departements/")
    for department in Department.objects.exclude(code="59")[:99]:
        department_grant(user=agent, department=department)
    assert "Départements de votre périmètre (100)" in client.get("/departements/").content.decode()
    assert queries(client, "/departements/") == with_one


def test_department_page(trial_department: tuple[Department, Client]) -> None:
    department, client = trial_department
    add_rows(department, 1, 1)
    with_one = queries(client, "/departements/999/")
    add_rows(department, 2, 99)
    assert "Contrats de ville du département (100)" in client.get("/departements/999/").content.decode()
    assert queries(client, "/departements/999/") == with_one


def test_city_contract_page(trial_department: tuple[Department, Client]) -> None:
    department, client = trial_department
    epci = Epci.objects.create(
        siren="999999999",
        name="CA d'essai",
        nature="CA",
        financing_mode="FPU",
        seat_department=department,
        member_count=1,
        total_population=1,
        municipal_population=1,
    )
    add_rows(department, 1, 1, epci=epci)
    url = "/contrats-de-ville/CV001/999/"
    with_one = queries(client, url)
    add_rows(department, 2, 99, epci=epci)
    assert "(100)" in client.get(url).content.decode()
    assert queries(client, url) == with_one


def test_measure_page(make_user: MakeUser) -> None:
    client = logged(make_user(Role.AGENT, "59"))
    with_42 = queries(client, "/mesures/")
    for n in range(41, 99):
        measure = Measure.objects.create(
            number=str(n), position=n + 2, axis="a", programme="p", theme="t", text=f"Mesure {n}", level="deploying"
        )
        MeasureIndicator.objects.create(measure=measure, position=1, label="Indicateur")
    assert Measure.objects.count() == 100
    assert queries(client, "/mesures/") == with_42
