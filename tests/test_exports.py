"""Exports of every list: each export × the permission matrix (roles × own /
other département), its rows equal to the page's, constant queries, and the file format (CSV for
French Excel, XLSX, formula injection)."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from openpyxl import load_workbook

from accounts.models import Role, User
from notifications.services import deadlines_generate
from reference.exports import Column, safe_cell, table_rows
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.factories.meetings import held_service_heads
from tests.factories.paqte import (
    CharterConventionFactory,
    CompanyFactory,
    PaqteConventionFactory,
    SemesterReportFactory,
)
from workflows.paqte.models import SemesterReport
from workflows.renewal.services import renewal_launch

pytestmark = pytest.mark.django_db

PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [None, *PREFECTURE, *NATIONAL]
_numbers = itertools.count(1)

# (url, context variable of the page's rows, national roles see both départements' rows)
LISTS = [
    ("/departements/", "departments", True),
    ("/echeances/?passees=1", "deadlines", True),
    ("/taches/file/", "rows", False),
    ("/taches/", "rows", False),
    ("/paqte/conventions/", "conventions", True),
    ("/paqte/chartes/", "charters", True),
    ("/paqte/bilans/", "reports", True),
    ("/pilotage/", "meetings", True),
    ("/paqte/", "departments", True),
    ("/pilotage/syntheses/", "rows", True),
]
# Per-département lists: the other département is a 404 for prefecture roles.
DEPARTMENT_LISTS = [
    ("/departements/{code}/", "city_contracts"),
    ("/departements/{code}/renovations/", "rows"),
    ("/pilotage/departements/{code}/", "meetings"),
]


def with_export(url: str, fmt: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}export={fmt}"


def role_id(role: Role | None) -> str:
    return role or "anonyme"


def add_cases(department: Department, agent: User, *, contracts: int = 1) -> None:
    """One case of every listed kind in ``department`` (more with ``contracts``)."""
    for contract in CityContract.objects.filter(department=department, renewal__isnull=True).order_by("code")[
        :contracts
    ]:
        renewal_launch(city_contract=contract, user=agent)
    for _ in range(contracts):
        n = next(_numbers)
        company = CompanyFactory.create(name=f"=Entreprise {n}")  # a formula-looking name: exported as text
        PaqteConventionFactory.create(company=company, department=department, state="active")
        CharterConventionFactory.create(
            department=department, reference=f"CEQ-{department.code}-{n:03d}", company=company
        )
        year = 2019 + SemesterReport.objects.filter(department=department).count()
        SemesterReportFactory.create(department=department, year=year, semester=1)
        held_service_heads(department, year, 1)


@pytest.fixture
def seeded(make_user: MakeUser, nord: Department, pas_de_calais: Department) -> None:
    deadlines_generate()
    add_cases(nord, make_user(Role.AGENT, "59"))
    add_cases(pas_de_calais, make_user(Role.AGENT, "62"))


@pytest.fixture
def client_as(client_for: Callable[..., Client]) -> Callable[[Role | None], Client]:
    def make(role: Role | None) -> Client:
        return client_for(role, "59" if role in PREFECTURE else None)

    return make


def text_of(response: object, fmt: str) -> str:
    if fmt == "csv":
        raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert raw.startswith(b"\xef\xbb\xbf")
        return raw.decode("utf-8-sig")
    sheet = load_workbook(io.BytesIO(response.content)).active  # type: ignore[attr-defined]
    assert sheet is not None
    return "\n".join(";".join("" if c is None else str(c) for c in row) for row in sheet.iter_rows(values_only=True))


def csv_rows(response: object) -> list[list[str]]:
    raw = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(raw), delimiter=";"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize(("url", "name", "national_sees_both"), LISTS, ids=[u for u, _, _ in LISTS])
def test_list_export_scope(
    seeded: None,
    client_as: Callable[[Role | None], Client],
    role: Role | None,
    url: str,
    name: str,
    national_sees_both: bool,
    fmt: str,
) -> None:
    response = client_as(role).get(with_export(url, fmt))
    if role is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    body = text_of(response, fmt)
    if role in PREFECTURE:
        assert "Pas-de-Calais" not in body  # the other département's rows never appear
    elif national_sees_both:
        assert "Nord" in body and "Pas-de-Calais" in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize(("url", "name"), DEPARTMENT_LISTS, ids=[u for u, _ in DEPARTMENT_LISTS])
def test_department_list_export_scope(
    seeded: None,
    client_as: Callable[[Role | None], Client],
    role: Role | None,
    own: bool,
    url: str,
    name: str,
    fmt: str,
) -> None:
    response = client_as(role).get(with_export(url.format(code="59" if own else "62"), fmt))
    if role is None:
        assert response.status_code == 302
    elif role in PREFECTURE and not own:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        body = text_of(response, fmt)
        assert ("Nord (59)" in body) == own and ("Pas-de-Calais (62)" in body) == (not own)


@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_missing_colleges_export_is_national(
    seeded: None, client_as: Callable[[Role | None], Client], role: Role | None
) -> None:
    response = client_as(role).get("/pilotage/colleges-manquants/?export=csv")
    assert response.status_code == (302 if role is None else 403 if role in PREFECTURE else 200)
    if role in NATIONAL:
        rows = csv_rows(response)
        assert rows[0] == ["Département", "Région", "Semestres sans collège tenu"]
        assert any(row[0] == "Nord (59)" for row in rows[1:])


@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_cget_review_queue_export_is_for_the_cget(
    seeded: None, client_as: Callable[[Role | None], Client], role: Role | None
) -> None:
    response = client_as(role).get("/taches/revue-cget/?export=xlsx")
    assert response.status_code == (302 if role is None else 200 if role == Role.CGET_REFERENT else 403)
    if response.status_code == 200:
        assert text_of(response, "xlsx").startswith("Tâche;Type de dossier;Dossier;Département")


@pytest.mark.parametrize("role", [r for r in ROLES if r is not None], ids=role_id)
def test_measures_export(client_as: Callable[[Role | None], Client], role: Role) -> None:
    rows = csv_rows(client_as(role).get("/mesures/?export=csv"))
    assert rows[0][:2] == ["N°", "Axe"] and len(rows) > 40


@pytest.mark.parametrize(("url", "name", "national_sees_both"), LISTS, ids=[u for u, _, _ in LISTS])
def test_export_rows_equal_the_page_rows(
    seeded: None, client_as: Callable[[Role | None], Client], url: str, name: str, national_sees_both: bool
) -> None:
    for role in (Role.AGENT, Role.CGET_REFERENT):
        client = client_as(role)
        page = client.get(url)
        shown = page.context["paginator"].count if page.context.get("paginator") else len(page.context[name])
        rows = csv_rows(client.get(with_export(url, "csv")))
        assert len(rows) - 1 == shown, (url, role)


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "url",
    [u for u, _, _ in LISTS] + [u.format(code="59") for u, _ in DEPARTMENT_LISTS] + ["/pilotage/colleges-manquants/"],
)
def test_export_queries_constant_in_rows(
    seeded: None, make_user: MakeUser, nord: Department, url: str, fmt: str
) -> None:
    for role in (Role.AGENT, Role.CGET_REFERENT):
        if role == Role.AGENT and "colleges-manquants" in url:
            continue
        client = Client()
        client.force_login(make_user(role, "59" if role == Role.AGENT else None))
        before = _queries(client, with_export(url, fmt))
        add_cases(nord, make_user(Role.AGENT, "59"), contracts=3)
        assert _queries(client, with_export(url, fmt)) == before, (url, role)


def test_formula_injection_and_french_csv(seeded: None, client_as: Callable[[Role | None], Client]) -> None:
    assert [safe_cell(v) for v in ("=1+1", "+33", "-2", "@SUM(A1)", "\tx", "Lille", -2, None, True)] == [
        "'=1+1",
        "'+33",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "Lille",
        -2,
        "",
        "oui",
    ]
    client = client_as(Role.CGET_REFERENT)
    rows = csv_rows(client.get("/paqte/conventions/?export=csv"))
    assert rows[0][0] == "Entreprise" and all(row[0].startswith("'=Entreprise") for row in rows[1:])
    sheet = load_workbook(io.BytesIO(client.get("/paqte/conventions/?export=xlsx").content)).active
    assert sheet is not None
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names and all(isinstance(n, str) and n.startswith("'=") for n in names)
    # Dates in French order in the CSV, real dates in the XLSX.
    columns = [Column("Date", lambda d: d)]
    assert list(table_rows(columns, [datetime.date(2019, 7, 31)]))[1] == [datetime.date(2019, 7, 31)]


def test_paqte_report_spreadsheet_guards_formulas(seeded: None, client_as: Callable[[Role | None], Client]) -> None:
    """The PAQTE report's XLSX (workflows.paqte.exports) uses the same guard as the list exports."""
    report = SemesterReport.objects.filter(department__code="59").first()
    assert report is not None
    SemesterReport.objects.filter(pk=report.pk).update(organisation='=HYPERLINK("http://x","y")')
    response = client_as(Role.CGET_REFERENT).get(f"/paqte/bilans/{report.pk}/bilan.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Bilan"]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert '\'=HYPERLINK("http://x","y")' in values
    assert not [v for v in values if v.startswith("=")]
