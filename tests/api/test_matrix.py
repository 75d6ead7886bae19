"""Every API endpoint against the permission matrix: the five roles × own / other
département, anonymous and a bad token; French errors with a stable code for each refusal."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from tests.api.conftest import NATIONAL, PREFECTURE, ROLES, ApiAs, Seeded

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/regions/",
    "/api/departements/",
    "/api/contrats-de-ville/",
    "/api/mesures/",
    "/api/reunions/",
    "/api/echeances/",
    "/api/renovations/",
    "/api/suivis/",
]


def details(seeded: Seeded, code: str) -> list[str]:
    """The détail addresses of the objects of one département."""
    return [
        f"/api/departements/{code}/",
        f"/api/contrats-de-ville/{seeded.contracts[code].pk}/",
        f"/api/reunions/{seeded.meetings[code].pk}/",
        f"/api/echeances/{seeded.deadlines[code].pk}/",
        f"/api/renovations/{seeded.renewals[code].pk}/",
        f"/api/suivis/{seeded.follow_ups[code].pk}/",
    ]


def writes(seeded: Seeded, code: str) -> list[tuple[str, str]]:
    url = f"/api/suivis/{seeded.follow_ups[code].pk}/"
    return [("patch", url), ("put", url), ("post", f"{url}releve/")]


ALL_READS = [*LISTS, "/api/regions/32/", "/api/mesures/3/"]


@pytest.mark.parametrize("client_kind", ["anonymous", "bad_token"])
def test_no_valid_token_is_401_everywhere(seeded: Seeded, client_kind: str) -> None:
    client = APIClient()
    code = "non_authentifie"
    if client_kind == "bad_token":
        client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
        code = "authentification_refusee"
    for url in [*ALL_READS, *details(seeded, "59")]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == code and response["WWW-Authenticate"] == "Token"
    for method, url in writes(seeded, "59"):
        response = getattr(client, method)(url, {"value": "3"}, format="json")
        assert response.status_code == 401 and response.json()["code"] == code
    seeded.follow_ups["59"].refresh_from_db()
    assert not seeded.follow_ups["59"].is_recorded


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_reads(api_as: ApiAs, seeded: Seeded, role: Role, own: bool) -> None:
    client = api_as(role)
    for url in LISTS:
        assert client.get(url).status_code == 200, url
    for url in details(seeded, "59" if own else "62"):
        response = client.get(url)
        if role in PREFECTURE and not own:
            assert response.status_code == 404, url
            assert response.json()["code"] == "introuvable"
        else:
            assert response.status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_writes(api_as: ApiAs, seeded: Seeded, role: Role, own: bool) -> None:
    """Only the agent of the département records: 404 outside the scope, 403 for read-only roles."""
    code = "59" if own else "62"
    client = api_as(role)
    expected = 200 if (role == Role.AGENT and own) else 404 if (role in PREFECTURE and not own) else 403
    for method, url in writes(seeded, code):
        response = getattr(client, method)(url, {"value": "4", "comment": "Relevé"}, format="json")
        assert response.status_code == expected, (method, url)
        if expected == 403:
            assert response.json() == {"code": "acces_refuse", "detail": "Votre rôle ne vous permet pas cette action."}
        elif expected == 404:
            assert response.json()["code"] == "introuvable"
    seeded.follow_ups[code].refresh_from_db()
    assert seeded.follow_ups[code].is_recorded == (expected == 200)


@pytest.mark.parametrize("role", ROLES)
def test_read_only_endpoints_refuse_writes_with_405(api_as: ApiAs, seeded: Seeded, role: Role) -> None:
    client = api_as(role)
    for url in ["/api/echeances/", "/api/renovations/", f"/api/echeances/{seeded.deadlines['59'].pk}/"]:
        response = client.post(url, {}, format="json")
        assert response.status_code == 405 and response.json()["code"] == "methode_non_autorisee"
    response = client.delete(f"/api/suivis/{seeded.follow_ups['59'].pk}/")
    # A prefecture user of the Nord or a national role sees the follow-up: the method is refused.
    assert response.status_code == 405 and response.json()["code"] == "methode_non_autorisee"


def test_lists_are_scoped(api_as: ApiAs, seeded: Seeded) -> None:
    agent = api_as(Role.AGENT)
    assert {d["department"] for d in agent.get("/api/echeances/").json()["results"]} == {"59"}
    assert {r["department"] for r in agent.get("/api/renovations/").json()["results"]} == {"59"}
    assert {f["department"] for f in agent.get("/api/suivis/").json()["results"]} == {"59"}
    for role in NATIONAL:
        national = api_as(role)
        assert {f["department"] for f in national.get("/api/suivis/").json()["results"]} == {"59", "62"}
        assert {r["department"] for r in national.get("/api/renovations/").json()["results"]} == {"59", "62"}
