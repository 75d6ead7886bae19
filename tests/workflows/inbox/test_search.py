"""The header's search: cases of every kind by contract code and name, EPCI, company name and
SIRET (with or without spaces), people's names and commitment text; accent- and
case-insensitive; never another département's case."""

from __future__ import annotations

from django.db import connection
from django.test import Client

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import company_of, convention_of
from tests.workflows.renewal.helpers import renewal_in
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


# --- Communes, QPV, notes, messages, full text (PostgreSQL: french_unaccent, GIN indexes) -------


@pytest.fixture
def with_qpv(make_user: MakeUser) -> dict[str, object]:
    """A Nord renovation whose contract's EPCI has QPVs (communes and QPV are searched through it)."""
    from reference.models import CityContract, Qpv

    contracts = list(CityContract.objects.filter(department__code="59").order_by("code"))
    index = next(i for i, contract in enumerate(contracts) if Qpv.objects.filter(epcis=contract.epci_id).exists())
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=agent, contract_index=index)
    qpv = Qpv.objects.filter(epcis=renewal.city_contract.epci_id).order_by("code").first()
    return {"agent": agent, "renewal": renewal, "qpv": qpv}


def test_communes_and_qpv_find_the_renovation(with_qpv: dict[str, object], make_user: MakeUser) -> None:
    agent, renewal, qpv = with_qpv["agent"], with_qpv["renewal"], with_qpv["qpv"]
    assert isinstance(agent, User) and isinstance(renewal, Renewal)
    assert renewal in found(agent, qpv.code)  # type: ignore[attr-defined]
    assert renewal in found(agent, qpv.name.upper())  # type: ignore[attr-defined]
    commune = qpv.commune_names.split(",")[0].strip()  # type: ignore[attr-defined]
    assert renewal in found(agent, unaccent(commune))  # accents and case aside
    assert found(make_user(Role.AGENT, "62"), qpv.code) == set()  # type: ignore[attr-defined]


def test_notes_are_found_by_the_prefecture_only_and_messages_by_both(
    world: dict[str, object], make_user: MakeUser
) -> None:
    from workflows.cases import note_services

    agent, renewal = world["agent"], world["renewal"]
    assert isinstance(agent, User) and isinstance(renewal, Renewal)
    cget = make_user(Role.CGET_REFERENT)
    note_services.note_add(user=agent, case=renewal, text="Réunion prévue avec le bailleur Vilogia à Roubaix.")
    note_services.message_add(user=agent, case=renewal, text="Les conseils citoyens ont été réunis en décembre.")
    assert renewal in found(agent, "vilogia")
    assert renewal in found(agent, "REUNION bailleur")  # « Réunion », accents and case aside
    assert found(cget, "vilogia") == set()  # a note never reaches the CGET, not even as a hit
    assert renewal in found(cget, "conseils citoyens reunis")
    assert renewal in found(agent, "decembre")
    assert found(make_user(Role.AGENT, "62"), "conseils citoyens reunis") == set()
    # Words of the note and of the contract together (every word, anywhere in the case).
    assert renewal in found(agent, f"vilogia {renewal.city_contract.code}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full text: PostgreSQL")
def test_full_text_stems_french_and_uses_the_gin_index(world: dict[str, object]) -> None:
    from django.contrib.postgres.search import SearchQuery, SearchVector

    from workflows.models import Commitment

    agent, renewal = world["agent"], world["renewal"]
    assert isinstance(agent, User)
    assert renewal in found(agent, "offres")  # « une offre »: the French stem
    assert renewal in found(agent, "immeubles")
    assert renewal in found(agent, "loc")  # a prefix, as typed
    rows = (
        Commitment.objects.annotate(_v=SearchVector("text", config="french_unaccent"))
        .filter(_v=SearchQuery("offre:*", search_type="raw", config="french_unaccent"))
        .values("renewal_id")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = rows.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "commitment_text_fts" in plan, plan


def test_typed_syntax_never_reaches_the_query(world: dict[str, object]) -> None:
    agent = world["agent"]
    assert isinstance(agent, User)
    for query in ("'&|!():*", "offre & !", "l'offre", "offre:* | pied"):
        cases_search(user=agent, query=query)  # no error: only letters and digits reach tsquery
    assert world["renewal"] in found(agent, "l'offre")


def test_the_search_page_reads_a_constant_number_of_queries(make_user: MakeUser) -> None:
    from django.test.utils import CaptureQueriesContext

    from reference.models import CityContract
    from workflows.cases import note_services
    from workflows.renewal.services import renewal_launch

    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent, backend="accounts.backends.PasswordBackend")
    contracts = list(CityContract.objects.filter(department__code="59").order_by("code")[:6])

    def queries() -> int:
        client.get("/recherche/", {"q": "vilogia"})
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/recherche/", {"q": "vilogia"}).content.decode()
        assert "Vilogia" not in body or "dossier" in body
        return len(captured.captured_queries)

    for contract in contracts[:1]:
        renewal, _ = renewal_launch(city_contract=contract, user=agent)
        note_services.note_add(user=agent, case=renewal, text="Rendez-vous Vilogia.")
    one = queries()
    for contract in contracts[1:]:
        renewal, _ = renewal_launch(city_contract=contract, user=agent)
        note_services.note_add(user=agent, case=renewal, text="Rendez-vous Vilogia.")
    assert len(cases_search(user=agent, query="vilogia")) == 6
    assert queries() <= one


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the kept statement is PostgreSQL's UNION")
def test_the_statement_kept_by_shape_finds_what_the_built_one_finds(
    world: dict[str, object], make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search's statement is compiled once per shape with markers and reused with each
    search's values: for every user and query, the same cases as a statement built afresh, and
    no statement built again on the second search of a shape."""
    from workflows.cases import note_services
    from workflows.inbox import search

    agent, renewal, convention = world["agent"], world["renewal"], world["convention"]
    assert isinstance(agent, User) and isinstance(renewal, Renewal) and isinstance(convention, PaqteConvention)
    note_services.note_add(user=agent, case=renewal, text="Réunion 100% utile avec le bailleur_social Vilogia.")
    users = [agent, make_user(Role.AGENT, "62"), make_user(Role.CGET_REFERENT), make_user(Role.PAQTE_REFERENT, "59")]
    contract = renewal.city_contract
    queries = [
        contract.code,
        f"{contract.code} vilogia",
        "helene fils",
        "boulangerie & fils",
        "100%",
        "bailleur_social",
        "bailleur_",
        "%%",
        "-- lille",
        "l'offre pied",
        "creer une offre",
        "nord 59",
        f"{convention.company.siret} helene",
        "zzzz introuvable",
    ]
    search._STATEMENTS.clear()
    kept = {(user.pk, query): found(user, query) for user in users for query in queries}
    assert search._STATEMENTS, "no statement kept"
    monkeypatch.setattr(search, "_kept_rows", lambda *args: None)
    built = {(user.pk, query): found(user, query) for user in users for query in queries}
    assert kept == built
    assert renewal in kept[(agent.pk, f"{contract.code} vilogia")] and not kept[(users[1].pk, contract.code)]
    assert convention in kept[(agent.pk, "boulangerie & fils")]
    assert not kept[(users[2].pk, "bailleur_social")]  # a note: never the CGET's
    # Second search of a kept shape: nothing is built.
    monkeypatch.undo()

    def refused(*args: object) -> None:
        raise AssertionError("the statement was built again")

    monkeypatch.setattr(search, "_parts", refused)
    assert found(agent, "chaussures rouges") == set()  # two words of letters: a kept shape
    assert found(agent, f"{contract.code} vilogia") == built[(agent.pk, f"{contract.code} vilogia")]
