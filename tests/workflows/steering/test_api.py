"""The REST API: token of each role × own / other département, French errors with a stable code,
constant queries on list endpoints and a valid OpenAPI 3 schema."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.factories.meetings import MeetingFactory
from workflows.steering.models import Meeting

pytestmark = pytest.mark.django_db

PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [*PREFECTURE, *NATIONAL]
LISTS = ["/api/regions/", "/api/departements/", "/api/contrats-de-ville/", "/api/mesures/", "/api/reunions/"]


@pytest.fixture
def api_as(make_user: MakeUser) -> Callable[[Role | None], APIClient]:
    def make(role: Role | None) -> APIClient:
        client = APIClient()
        if role is not None:
            user = make_user(role, "59" if role in PREFECTURE else None)
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return client

    return make


@pytest.fixture
def meetings(nord: Department, pas_de_calais: Department) -> dict[bool, Meeting]:
    return {
        True: MeetingFactory.create(department=nord),
        False: MeetingFactory.create(department=pas_de_calais),
    }


@pytest.mark.parametrize("url", [*LISTS, "/api/departements/59/", "/api/mesures/3/"])
def test_no_token_is_401_in_french(url: str) -> None:
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "non_authentifie"
    assert "Authentification requise" in response.json()["detail"]


def test_bad_token_is_401_with_its_code() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0000")
    response = client.get("/api/mesures/")
    assert response.status_code == 401 and response.json()["code"] == "authentification_refusee"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", LISTS)
def test_lists_for_every_role(api_as: Callable[[Role | None], APIClient], role: Role, url: str) -> None:
    assert api_as(role).get(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_scoped_details(
    api_as: Callable[[Role | None], APIClient], meetings: dict[bool, Meeting], role: Role, own: bool
) -> None:
    client = api_as(role)
    code = "59" if own else "62"
    contract = CityContract.objects.get(code="CV192" if own else "CV219", department_code=code)
    urls = [
        f"/api/departements/{code}/",
        f"/api/contrats-de-ville/{contract.pk}/",
        f"/api/reunions/{meetings[own].pk}/",
    ]
    for url in urls:
        response = client.get(url)
        if role in PREFECTURE and not own:
            assert response.status_code == 404, url
            assert response.json() == {
                "code": "introuvable",
                "detail": "Cette ressource n'existe pas ou ne relève pas de votre périmètre.",
            }
        else:
            assert response.status_code == 200, url


def test_lists_are_scoped(api_as: Callable[[Role | None], APIClient], meetings: dict[bool, Meeting]) -> None:
    agent = api_as(Role.AGENT)
    assert [d["code"] for d in agent.get("/api/departements/").json()["results"]] == ["59"]
    assert {c["department"] for c in agent.get("/api/contrats-de-ville/").json()["results"]} == {"59"}
    assert [m["department"] for m in agent.get("/api/reunions/").json()["results"]] == ["59"]
    cget = api_as(Role.CGET_REFERENT)
    assert cget.get("/api/departements/").json()["count"] == Department.objects.count()
    assert cget.get("/api/reunions/").json()["count"] == 2


def test_measures_with_indicators(api_as: Callable[[Role | None], APIClient]) -> None:
    body = api_as(Role.AGENT).get("/api/mesures/3/").json()
    assert body["level"] == "deploying" and body["parent"] is None
    assert body["indicators"][0]["label"].startswith("Nombre de conventions intercommunales")
    assert api_as(Role.AGENT).get("/api/mesures/1.a/").json()["parent"] == "1"


@pytest.mark.parametrize("role", ROLES)
def test_api_is_read_only(api_as: Callable[[Role | None], APIClient], role: Role) -> None:
    response = api_as(role).post("/api/mesures/", {"number": "41"})
    assert response.status_code == 405
    assert response.json()["code"] == "methode_non_autorisee"


def test_schema_is_public_and_valid() -> None:
    # The schema describes the endpoints, not data: it is served without a token.
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


# --- Constant queries with 1 and 100 rows -------------------------------------------------------


def queries(client: APIClient, url: str) -> tuple[int, int]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.json()["count"]


def test_meetings_list_constant_queries(api_as: Callable[[Role | None], APIClient], nord: Department) -> None:
    client = api_as(Role.AGENT)
    contract = CityContract.objects.get(code="CV192", department_code="59")

    def add(count: int) -> None:
        Meeting.objects.bulk_create(
            Meeting(
                kind="territory" if n % 2 else "paqte_committee",
                department=None if n % 2 else nord,
                city_contract=contract if n % 2 else None,
                year=2019,
                date=datetime.date(2019, 1, 1),
            )
            for n in range(count)
        )

    add(1)
    with_one, count = queries(client, "/api/reunions/")
    assert count == 1
    add(99)
    assert queries(client, "/api/reunions/") == (with_one, 100)


def test_departments_list_constant_queries(make_user: MakeUser) -> None:
    from accounts.services import department_grant

    agent = make_user(Role.AGENT, "59")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")
    with_one, count = queries(client, "/api/departements/")
    assert count == 1
    for department in Department.objects.exclude(code="59")[:99]:
        department_grant(user=agent, department=department)
    assert queries(client, "/api/departements/") == (with_one, 100)


@pytest.mark.parametrize("url", ["/api/mesures/", "/api/contrats-de-ville/"])
def test_national_lists_constant_queries(api_as: Callable[[Role | None], APIClient], url: str) -> None:
    # 40 measures + 2 sub-measures, and more than 100 contracts (one page): the queries do not
    # depend on the rows, as the fixed count below shows against the one-row page.
    client = api_as(Role.CGET_REFERENT)
    many, total = queries(client, url)
    few, one = queries(client, url + "?page_size=1")
    assert total > 40 and one == total
    assert len(client.get(url + "?page_size=1").json()["results"]) == 1
    assert many == few


def test_docs_page_is_served() -> None:
    assert APIClient().get("/api/docs/").status_code == 200
