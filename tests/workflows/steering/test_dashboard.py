"""National dashboard: figures equal to counts from the database, scope per
role × own / other département, constant queries, and its CSV / XLSX export."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from notifications.campaign import ended_semesters
from reference.models import CityContract, Department, Region
from tests.conftest import MakeUser
from tests.factories.meetings import held_service_heads
from tests.factories.paqte import PaqteConventionFactory, ReferentDesignationFactory, SemesterReportFactory
from tests.factories.renewal import RenewalFactory
from workflows.paqte.models import PaqteConvention, ReferentDesignation, SemesterReport, SubmissionState
from workflows.renewal.models.renewal import Renewal, RenewalState
from workflows.steering.dashboard import dashboard_get
from workflows.steering.models import Meeting

pytestmark = pytest.mark.django_db

PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [None, *PREFECTURE, *NATIONAL]
_sirets = itertools.count(1)


def role_id(role: Role | None) -> str:
    return role or "anonyme"


def seed(department: Department, *, variant: int) -> None:
    """Cases of every kind in ``department``, in states that depend on ``variant``."""
    states = list(RenewalState)
    for index, contract in enumerate(CityContract.objects.filter(department=department).order_by("pk")):
        if index % 4 != 3:  # one contract in four has no case: "not started"
            RenewalFactory.create(city_contract=contract, state=states[(index + variant) % len(states)])
    convention_states = [PaqteConvention.State.SIGNED, PaqteConvention.State.ACTIVE, PaqteConvention.State.DRAFT]
    for index in range(3 + variant):
        PaqteConventionFactory.create(department=department, state=convention_states[index % len(convention_states)])
    if variant % 2 == 0:
        ReferentDesignationFactory.create(department=department, state=SubmissionState.SUBMITTED)
    report_states = [SubmissionState.APPROVED, SubmissionState.SUBMITTED, SubmissionState.DRAFT]
    for index, (year, semester) in enumerate([(2019, 1), (2019, 2), (2020, 1)][: 1 + variant % 3]):
        SemesterReportFactory.create(department=department, year=year, semester=semester, state=report_states[index])
    held_service_heads(department, 2019, 1)
    if variant % 2:
        held_service_heads(department, 2019, 2)
        held_service_heads(department, 2020, 1, state=Meeting.State.CONVENED)


@pytest.fixture
def seeded(nord: Department, pas_de_calais: Department) -> None:
    seed(nord, variant=0)
    seed(pas_de_calais, variant=1)


def test_figures_equal_the_counts_from_the_database(seeded: None, make_user: MakeUser) -> None:
    today = timezone.localdate()
    board = dashboard_get(user=make_user(Role.CGET_REFERENT), today=today)
    semesters = ended_semesters(today=today)
    assert len(board.rows) == Department.objects.count()
    for row in board.rows:
        department = row.department
        figures = row.figures
        contracts = CityContract.objects.filter(department=department)
        assert figures.contracts == contracts.count()
        renewals = Renewal.objects.filter(city_contract__department=department)
        for state in RenewalState:
            expected = renewals.filter(state=state).count()
            if state == RenewalState.NOT_STARTED:
                expected += contracts.filter(renewal__isnull=True).count()
            assert figures.steps[state] == expected, (department.code, state)
        assert figures.late == contracts.count() - renewals.filter(state=RenewalState.SIGNED).count()
        assert figures.referents == ReferentDesignation.objects.filter(department=department).count()
        conventions = PaqteConvention.objects.filter(department=department)
        assert figures.conventions_signed == conventions.filter(state="signed").count()
        assert figures.conventions_active == conventions.filter(state="active").count()
        reports = SemesterReport.objects.filter(department=department)
        assert figures.reports_submitted == reports.filter(state="submitted").count()
        assert figures.reports_approved == reports.filter(state="approved").count()
        sent = sum(
            1 for r in reports.filter(state__in=["submitted", "approved"]) if (r.year, r.semester) in set(semesters)
        )
        assert figures.reports_late == len(semesters) - sent
        held = Meeting.objects.filter(kind="service_heads", state="held", department=department)
        assert figures.colleges_held == held.count()
        assert figures.colleges_due == len(semesters)
    by_code = {row.department.code: row for row in board.rows}
    # The seeded départements differ, so the test would see a swapped or shared figure.
    assert by_code["59"].referent_label == "Transmis au CGET" and by_code["62"].referent_label == "Non désigné"
    assert (by_code["59"].figures.colleges_held, by_code["62"].figures.colleges_held) == (1, 2)
    assert by_code["59"].figures.conventions_signed + by_code["59"].figures.conventions_active == 2
    assert by_code["62"].figures.conventions_signed + by_code["62"].figures.conventions_active == 3
    # Subtotals and total add up the rows.
    for block in board.regions:
        assert block.subtotal.contracts == sum(r.figures.contracts for r in block.rows)
        assert block.subtotal.colleges_held == sum(r.figures.colleges_held for r in block.rows)
    assert board.total.contracts == CityContract.objects.filter(department__isnull=False).count()
    assert board.total.conventions_active == PaqteConvention.objects.filter(state="active").count()
    label, held_count, total = board.colleges_by_semester[0]
    assert (label, held_count, total) == ("1er semestre 2019", 2, Department.objects.count())


def test_nothing_is_late_before_the_31_july_2019(seeded: None, make_user: MakeUser) -> None:
    board = dashboard_get(user=make_user(Role.CGET_REFERENT), today=datetime.date(2019, 7, 31))
    assert board.total.late == 0 and board.semesters == [(2019, 1)]


def test_region_filter(seeded: None, make_user: MakeUser, nord: Department) -> None:
    board = dashboard_get(user=make_user(Role.CGET_REFERENT), today=timezone.localdate(), region=nord.region.code)
    assert {row.department.region_id for row in board.rows} == {nord.region_id}
    assert len(board.rows) == Department.objects.filter(region=nord.region).count()


@pytest.fixture
def client_as(client_for: Callable[..., Client]) -> Callable[[Role | None], Client]:
    def make(role: Role | None) -> Client:
        return client_for(role, "59" if role in PREFECTURE else None)

    return make


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("fmt", ["", "csv", "xlsx"])
def test_dashboard_scope(
    seeded: None, client_as: Callable[[Role | None], Client], role: Role | None, own: bool, fmt: str
) -> None:
    """Each role × own / other département, page and both exports: a prefecture sees its own
    row only; asking for the other département, it is refused (404) as by the figures' lists."""
    code = "59" if own else "62"
    url = f"/pilotage/tableau-de-bord/?departement={code}" + (f"&export={fmt}" if fmt else "")
    response = client_as(role).get(url)
    if role is None:
        assert response.status_code == 302
        return
    sees = role in NATIONAL or own
    if not sees:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = _text(response, fmt)
    nord, other = (
        ("Nord (59)", "Pas-de-Calais (62)")
        if fmt
        else ('href="/pilotage/departements/59/"', 'href="/pilotage/departements/62/"')
    )
    assert (nord in body) == (sees and own)
    assert (other in body) == (sees and not own)


def _text(response: object, fmt: str) -> str:
    if fmt == "csv":
        return b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active  # type: ignore[attr-defined]
        assert sheet is not None
        return "\n".join(";".join(str(c) for c in row) for row in sheet.iter_rows(values_only=True))
    return response.content.decode()  # type: ignore[attr-defined]


def test_export_rows_equal_the_page_rows(seeded: None, client_as: Callable[[Role | None], Client]) -> None:
    client = client_as(Role.CGET_REFERENT)
    region = Department.objects.get(code="59").region.code
    page = client.get(f"/pilotage/tableau-de-bord/?region={region}")
    context_lines = page.context["lines"]
    raw = b"".join(client.get(f"/pilotage/tableau-de-bord/?region={region}&export=csv").streaming_content)  # type: ignore[attr-defined]
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for French Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Niveau", "Région", "Département", "Contrats de ville"]
    assert [r[2] for r in rows[1:]] == [line["department"] for line in context_lines]
    assert [int(r[3]) for r in rows[1:]] == [line["figures"].contracts for line in context_lines]
    workbook = load_workbook(io.BytesIO(client.get(f"/pilotage/tableau-de-bord/?region={region}&export=xlsx").content))
    sheet = workbook.active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert [list(v) for v in values] == [[c if c != "" else None for c in row] for row in _typed(rows)]


def _typed(rows: list[list[str]]) -> list[list[object]]:
    header: list[object] = list(rows[0])
    return [header] + [[int(c) if c.isdigit() else c for c in row] for row in rows[1:]]


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("fmt", ["", "csv", "xlsx"])
def test_queries_constant_in_departments_and_cases(
    client_as: Callable[[Role | None], Client], nord: Department, fmt: str
) -> None:
    client = client_as(Role.CGET_REFERENT)
    url = "/pilotage/tableau-de-bord/" + (f"?export={fmt}" if fmt else "")
    seed(nord, variant=0)
    before = _queries(client, url)
    region = Region.objects.create(code="99", name="Région d'essai")
    for n in range(5):
        department = Department.objects.create(
            code=f"9{n}X", name=f"Essai {n}", region=region, prefecture_commune_code="99999"
        )
        CityContract.objects.bulk_create(
            CityContract(
                code=f"T{n}{i:03d}",
                department_code=department.code,
                department=department,
                name=f"Contrat {i}",
                carrier_code="999999999",
                carrier_type="epci",
                qpv_population=i,
            )
            for i in range(8)
        )
        seed(department, variant=n)
    assert _queries(client, url) == before


def test_navigation_and_department_page_link(client_as: Callable[[Role | None], Client]) -> None:
    client = client_as(Role.AGENT)
    assert 'href="/pilotage/tableau-de-bord/"' in client.get("/pilotage/").content.decode()
    page = client.get("/departements/59/").content.decode()
    assert "/pilotage/tableau-de-bord/?departement=59" in page and "/pilotage/departements/59/" in page
