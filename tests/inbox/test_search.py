"""The header's search: cases of every kind by contract code and name, EPCI, company name and
SIRET (with or without spaces), people's names and commitment text; accent- and
case-insensitive; never another département's case."""

from __future__ import annotations

from django.test import Client

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import company_of, convention_of
from tests.workflows.renewal_helpers import renewal_in
from workflows.inbox.search import cases_search, unaccent
from workflows.models import Renewal, RenewalState
from workflows.paqte.models import PaqteConvention

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user: MakeUser) -> dict[str, object]:
    agent, validator = make_user(Role.AGENT, "59"), make_user(Role.PREFECT_VALIDATOR, "59")
    renewal = renewal_in(RenewalState.PREFECT_VALIDATION, agent=agent, validator=validator)
    company = company_of(name="Boulangerie Hélène & Fils")
    convention = convention_of(agent, Department.objects.get(code="59"), company=company)
    return {"agent": agent, "renewal": renewal, "convention": convention, "company": company}


def found(user: User, query: str) -> set[object]:
    return {hit.case for hit in cases_search(user=user, query=query)}


def test_every_way_of_naming_a_case_finds_it(world: dict[str, object]) -> None:
    agent, renewal, convention = world["agent"], world["renewal"], world["convention"]
    assert isinstance(agent, User) and isinstance(renewal, Renewal) and isinstance(convention, PaqteConvention)
    contract = renewal.city_contract
    assert renewal in found(agent, contract.code.lower())
    assert renewal in found(agent, contract.name.upper())
    if contract.epci is not None:
        assert renewal in found(agent, contract.epci.name)
    assert renewal in found(agent, "LOCAUX en pied")  # a commitment's text, any case
    assert renewal in found(agent, "creer une offre")  # « Créer », without its accent
    assert convention in found(agent, "helene")  # « Hélène », without its accent
    siret = convention.company.siret
    assert convention in found(agent, siret)
    assert convention in found(agent, f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")  # as printed
    assert found(agent, "x") == set()  # too short


def test_another_departement_never_finds_it(world: dict[str, object], make_user: MakeUser) -> None:
    renewal, convention = world["renewal"], world["convention"]
    assert isinstance(renewal, Renewal) and isinstance(convention, PaqteConvention)
    stranger = make_user(Role.AGENT, "62")
    assert found(stranger, renewal.city_contract.code) == set()
    assert found(stranger, convention.company.siret) == set()
    client = Client()
    client.force_login(stranger)
    assert "Aucun dossier pour" in client.get("/recherche/", {"q": renewal.city_contract.code}).content.decode()


def test_the_page_and_the_header_box(world: dict[str, object]) -> None:
    agent, renewal = world["agent"], world["renewal"]
    assert isinstance(agent, User) and isinstance(renewal, Renewal)
    client = Client()
    client.force_login(agent)
    assert 'action="/recherche/"' in client.get("/taches/").content.decode()
    body = client.get("/recherche/", {"q": renewal.city_contract.code}).content.decode()
    assert f"/renovations/{renewal.pk}/" in body and "Rénovation du contrat de ville" in body


def test_unaccent() -> None:
    assert unaccent("Élodie CŒUR d'Ostrevent") == "elodie cœur d'ostrevent"
