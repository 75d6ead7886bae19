"""Synthesis pages and actions: every role × own / other département (the permission matrix),
and a constant number of queries whatever the number of contracts.

Prefecture roles belong to the Nord (59); "other" is the Pas-de-Calais (62)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role
from accounts.services import department_grant
from reference.models import CityContract, Department, Region
from tests.clients import logged
from tests.conftest import MakeUser
from tests.factories.synthesis import SynthesisFactory
from tests.test_query_counts import add_rows
from tests.workflows.synthesis.helpers import complete_parts, synthesis_in
from workflows.models import Renewal
from workflows.synthesis.models import Synthesis

pytestmark = pytest.mark.django_db

ANON = None
PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [ANON, *PREFECTURE, *NATIONAL]
OWN = [True, False]


def role_id(role: Role | None) -> str:
    return role or "anonyme"


@pytest.fixture
def client_as(client_for: Callable[..., Client]) -> Callable[[Role | None], Client]:
    def make(role: Role | None) -> Client:
        return client_for(role, "59" if role in PREFECTURE else None)

    return make


def code(own: bool) -> str:
    return "59" if own else "62"


def expected(role: Role | None, own: bool, allowed: set[tuple[Role, bool]]) -> int:
    """302 to the login page, 404 outside the scope, 200/302 if allowed, else 403."""
    if role is None:
        return 302
    if role in PREFECTURE and not own:
        return 404
    return 0 if (role, own) in allowed else 403


@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_list(client_as: Callable[[Role | None], Client], nord: Department, role: Role | None) -> None:
    synthesis_in(nord, "submitted")
    response = client_as(role).get("/pilotage/syntheses/")
    assert response.status_code == (302 if role is None else 200)
    if role is None:
        return
    body = response.content.decode()
    assert "Nord (59)" in body and "Transmise au CGET" in body
    assert ("Pas-de-Calais (62)" in body) == (role in NATIONAL)
    assert "En retard" in body  # submitted today, after 15 March 2019


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("own", OWN, ids=["own", "other"])
def test_detail_and_pdf(
    client_as: Callable[[Role | None], Client],
    nord: Department,
    pas_de_calais: Department,
    role: Role | None,
    own: bool,
) -> None:
    for department in (nord, pas_de_calais):
        synthesis_in(department, "draft")
    client = client_as(role)
    allowed = {(r, o) for r in [*PREFECTURE, *NATIONAL] for o in OWN}
    status = expected(role, own, allowed) or 200
    detail = client.get(f"/pilotage/syntheses/{code(own)}/2019/")
    assert detail.status_code == status
    pdf = client.get(f"/pilotage/syntheses/{code(own)}/2019/pdf/")
    assert pdf.status_code == status
    if status == 200:
        assert "État de la rénovation des contrats de ville" in detail.content.decode()
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("own", OWN, ids=["own", "other"])
def test_edit(client_as: Callable[[Role | None], Client], role: Role | None, own: bool) -> None:
    client = client_as(role)
    status = expected(role, own, {(Role.AGENT, True)})
    url = f"/pilotage/syntheses/{code(own)}/2019/rediger/"
    response = client.get(url)
    assert response.status_code == (status or 200)
    response = client.post(url, complete_parts())
    assert response.status_code == (status or 302)
    assert Synthesis.objects.filter(department__code=code(own)).exists() == (status == 0)


def test_edit_shows_the_count_and_refuses_one_over(client_as: Callable[[Role | None], Client]) -> None:
    client = client_as(Role.AGENT)
    page = client.get("/pilotage/syntheses/59/2019/rediger/").content.decode()
    assert "9\u202f000 caractères au total pour les quatre parties" in page
    assert 'id="compteur-total"' in page and "synthesis-counter.js" in page
    parts = complete_parts()
    parts["difficulties"] = "x" * (9001 - sum(len(v) for k, v in parts.items() if k != "difficulties"))
    response = client.post("/pilotage/syntheses/59/2019/rediger/", parts)
    assert response.status_code == 200
    assert "La synthèse compte 9001 caractères" in response.content.decode()
    assert not Synthesis.objects.exists()


def test_unknown_year_is_404(client_as: Callable[[Role | None], Client]) -> None:
    assert client_as(Role.CGET_REFERENT).get("/pilotage/syntheses/59/2018/").status_code == 404


ACTIONS = {
    # name: (source state, who may, target state)
    "send_to_validation": ("draft", {(Role.AGENT, True)}, "prefect_validation"),
    "send_back": ("prefect_validation", {(Role.PREFECT_VALIDATOR, True)}, "draft"),
    "validate": ("prefect_validation", {(Role.PREFECT_VALIDATOR, True)}, "submitted"),
    "approve": ("submitted", {(Role.CGET_REFERENT, True), (Role.CGET_REFERENT, False)}, "approved"),
    "return_to_prefecture": (
        "submitted",
        {(Role.CGET_REFERENT, True), (Role.CGET_REFERENT, False)},
        "returned",
    ),
    "resubmit": ("returned", {(Role.AGENT, True)}, "submitted"),
}


@pytest.mark.parametrize("name", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("own", OWN, ids=["own", "other"])
def test_actions(
    client_as: Callable[[Role | None], Client],
    nord: Department,
    pas_de_calais: Department,
    name: str,
    role: Role | None,
    own: bool,
) -> None:
    source, allowed, target = ACTIONS[name]
    syntheses = {True: synthesis_in(nord, source), False: synthesis_in(pas_de_calais, source)}
    status = expected(role, own, allowed)
    response = client_as(role).post(
        f"/pilotage/syntheses/{code(own)}/2019/actions/{name}/", {"comment": "Motif du renvoi."}
    )
    assert response.status_code == (status or 302)
    state = Synthesis.objects.get(pk=syntheses[own].pk).state
    assert state == (target if status == 0 else source)


def test_buttons_follow_the_role(client_as: Callable[[Role | None], Client], nord: Department) -> None:
    synthesis_in(nord, "prefect_validation")
    validator = client_as(Role.PREFECT_VALIDATOR).get("/pilotage/syntheses/59/2019/").content.decode()
    assert "Valider et transmettre au CGET" in validator and "Renvoyer à l&#x27;agent" in validator
    agent = client_as(Role.AGENT).get("/pilotage/syntheses/59/2019/").content.decode()
    assert "Valider et transmettre au CGET" not in agent and "Rédiger la synthèse" not in agent


def test_refusal_is_shown_in_french(client_as: Callable[[Role | None], Client], nord: Department) -> None:
    SynthesisFactory.create(department=nord, empty=True, steps_taken="Réunions.")
    client = client_as(Role.AGENT)
    response = client.post("/pilotage/syntheses/59/2019/actions/send_to_validation/", follow=True)
    assert "La synthèse est incomplète, renseignez :" in response.content.decode()


# --- Constant queries -----------------------------------------------------------------------------


def queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_renewals(department: Department) -> None:
    Renewal.objects.bulk_create(
        Renewal(city_contract=contract, department=department, state="evaluation")
        for contract in CityContract.objects.filter(department=department, renewal__isnull=True)
    )


@pytest.mark.parametrize("page", ["", "rediger/", "pdf/"])
def test_constant_queries_in_the_number_of_contracts(make_user: MakeUser, page: str) -> None:
    department = Department.objects.create(
        code="999", name="Département d'essai", region=Region.objects.get(code="32"), prefecture_commune_code="99999"
    )
    agent = make_user(Role.AGENT, "59")
    department_grant(user=agent, department=department)
    client = logged(agent)
    SynthesisFactory.create(department=department)
    url = f"/pilotage/syntheses/999/2019/{page}"
    add_rows(department, 0, 1)
    add_renewals(department)
    few = queries(client, url)
    add_rows(department, 1, 30)
    add_renewals(department)
    assert queries(client, url) == few


def test_cget_list_constant_queries(make_user: MakeUser) -> None:
    client = logged(make_user(Role.CGET_REFERENT))
    departments = list(Department.objects.order_by("code"))
    synthesis_in(departments[0], "submitted")
    few = queries(client, "/pilotage/syntheses/")
    for department in departments[1:40]:
        synthesis_in(department, "draft")
    many = queries(client, "/pilotage/syntheses/")
    assert many == few
    body = client.get("/pilotage/syntheses/").content.decode()
    assert len(re.findall(r"data-departement=", body)) == len(departments)
