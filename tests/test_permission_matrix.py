"""Every page × every role × own / other département.

Prefecture roles belong to the Nord (59); "other" is the Pas-de-Calais (62). An agent gets a
404 on another département's pages (its existence is not disclosed); national roles see all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

import pytest

from accounts.models import Role

pytestmark = pytest.mark.django_db

ANON = None
PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [ANON, *PREFECTURE, *NATIONAL]

OWN = {
    "department": "/departements/59/",
    "city_contract": "/contrats-de-ville/CV192/59/",
}
OTHER = {
    "department": "/departements/62/",
    "city_contract": "/contrats-de-ville/CV219/62/",
}
COMMON = ["/departements/", "/taches/", "/taches/file/", "/mesures/", "/accessibilite/"]


def expected(role: Role | None, *, own: bool | None) -> int:
    """own=None: a page without département."""
    if role is None:
        return 302
    if own is False and role in PREFECTURE:
        return 404
    return 200


@pytest.fixture
def client_as(client_for: Callable[..., Client]) -> Callable[[Role | None], Client]:
    def make(role: Role | None) -> Client:
        return client_for(role, "59" if role in PREFECTURE else None)

    return make


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonyme")
@pytest.mark.parametrize("url", COMMON)
def test_pages_without_department(client_as: Callable[[Role | None], Client], role: Role | None, url: str) -> None:
    if url == "/accessibilite/":  # public statement
        assert client_as(role).get(url).status_code == 200
        return
    response = client_as(role).get(url)
    assert response.status_code == expected(role, own=None)
    if role is None:
        assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonyme")
@pytest.mark.parametrize("page", sorted(OWN))
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_department_pages(client_as: Callable[[Role | None], Client], role: Role | None, page: str, own: bool) -> None:
    url = (OWN if own else OTHER)[page]
    response = client_as(role).get(url)
    assert response.status_code == expected(role, own=own)
    if response.status_code == 404:
        assert "ne relève pas de votre périmètre" in response.content.decode()


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonyme")
def test_overseas_contract_without_department_is_national_only(
    client_as: Callable[[Role | None], Client], role: Role | None
) -> None:
    response = client_as(role).get("/contrats-de-ville/CV415/978/")
    expected_status = 302 if role is None else 404 if role in PREFECTURE else 200
    assert response.status_code == expected_status


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.AGENT, "/taches/"),
        (Role.PAQTE_REFERENT, "/taches/"),
        (Role.PREFECT_VALIDATOR, "/taches/"),
        (Role.CGET_REFERENT, "/taches/revue-cget/"),
        (Role.NATIONAL_ADMIN, "/departements/"),
    ],
)
def test_home_sends_each_role_where_it_works(
    client_as: Callable[[Role | None], Client], role: Role, target: str
) -> None:
    response = client_as(role).get("/")
    assert response.status_code == 302 and response["Location"] == target


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonyme")
@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/accounts/user/", "/admin/reference/department/", "/admin/accounts/organisation/"]
)
def test_admin_is_for_the_national_administrator_only(
    client_as: Callable[[Role | None], Client], role: Role | None, url: str
) -> None:
    response = client_as(role).get(url)
    if role == Role.NATIONAL_ADMIN:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_department_list_shows_only_the_agent_department(client_as: Callable[[Role | None], Client]) -> None:
    body = client_as(Role.AGENT).get("/departements/").content.decode()
    assert "/departements/59/" in body and "/departements/62/" not in body
    assert "Départements de votre périmètre (1)" in body
    national = client_as(Role.CGET_REFERENT).get("/departements/").content.decode()
    assert "Départements de votre périmètre (101)" in national


def test_department_page_lists_its_contracts_and_qpv(client_as: Callable[[Role | None], Client]) -> None:
    body = client_as(Role.AGENT).get("/departements/59/").content.decode()
    assert "Métropole Européenne de Lille" in body
    assert "QN05901M" in body or "QN059" in body
    assert "QP059" in body
    assert "CV219" not in body  # a Pas-de-Calais contract


def test_logout_is_a_post(client_as: Callable[[Role | None], Client]) -> None:
    client = client_as(Role.AGENT)
    assert client.get("/deconnexion/").status_code == 405
    assert client.post("/deconnexion/").status_code == 302
    assert client.get("/taches/").status_code == 302
