"""Signatories as parties (``workflows.cases.parties``): a renovation reaches « signée » only when
every mandatory party has signed, each signature with its date and its checked signed page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from accounts.models import Role
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import fresh, open_task, pdf, renewal_in
from workflows.cases.parties import Party, missing_parties, parties_of
from workflows.cases.party_services import party_add, party_refuse, party_request, party_sign
from workflows.models import RenewalDocument, RenewalState
from workflows.renewal.services import RenewalRefused, renewal_task_complete

pytestmark = pytest.mark.django_db

SEVEN = [
    (Party.Role.PREFECT, "Préfet du Nord"),
    (Party.Role.EPCI_PRESIDENT, "Président de la MEL"),
    (Party.Role.MAYOR, "Maire de Lille"),
    (Party.Role.MAYOR, "Maire de Roubaix"),
    (Party.Role.ARS, "ARS Hauts-de-France"),
    (Party.Role.CAF, "CAF du Nord"),
    (Party.Role.LANDLORD, "Lille Métropole Habitat"),
]


def test_a_protocol_with_seven_parties_and_one_missing_is_not_signed(make_user: MakeUser) -> None:
    agent, validator, cget = (
        make_user(Role.AGENT, "59"),
        make_user(Role.PREFECT_VALIDATOR, "59"),
        make_user(Role.CGET_REFERENT),
    )
    renewal = renewal_in(RenewalState.SIGNATURE, agent=agent, validator=validator, referent=cget)
    parties = [party_add(case=renewal, user=agent, role=role, name=name) for role, name in SEVEN]
    day = dt.date(2019, 7, 10)
    for party in parties:
        party_request(party=party, user=agent, on=day)
    for party in parties[:-1]:
        party_sign(party=party, user=agent, on=day, upload=pdf("page-signee.pdf"))
    assert [str(p) for p in missing_parties(renewal)] == ["Bailleur social – Lille Métropole Habitat"]

    def sign() -> None:
        renewal_task_complete(
            task_pk=open_task(renewal, "sign").pk,
            user=agent,
            fields={"signed_on": day, "signed_by": "Les signataires"},
            uploads=[(RenewalDocument.Kind.SIGNED_PROTOCOL, pdf("protocole-signe.pdf"))],
        )

    with pytest.raises(RenewalRefused) as refused:
        sign()
    (reason,) = refused.value.reasons
    assert "« Vous engagerez leur rénovation avec les autres signataires" in reason
    assert reason.endswith("Signature manquante : Bailleur social – Lille Métropole Habitat.")
    assert fresh(renewal).state == RenewalState.SIGNATURE
    party_sign(party=parties[-1], user=agent, on=day, upload=pdf("page-signee.pdf"))
    sign()
    assert fresh(renewal).state == RenewalState.SIGNED


def test_a_signature_needs_a_real_signed_page_and_the_case_s_right(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=agent)
    party = party_add(case=renewal, user=agent, role=Party.Role.MAYOR, name="Maire de Lille")
    fake = SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        party_sign(party=party, user=agent, on=dt.date(2019, 7, 1), upload=fake)
    assert parties_of(renewal).get().state == Party.State.TO_REQUEST and not parties_of(renewal).get().proof
    with pytest.raises(Exception, match="pas le droit"):
        party_add(case=renewal, user=make_user(Role.AGENT, "62"), role=Party.Role.CAF, name="CAF")
    assert parties_of(renewal).count() == 1
    refused = party_refuse(party=party, user=agent, on=dt.date(2019, 7, 2))
    assert refused.state == Party.State.REFUSED and missing_parties(renewal) == [refused]


def test_who_blocks_the_31_july_lists_the_missing_parties_by_department(make_user: MakeUser) -> None:
    agent, agent_62 = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "62")
    nord = renewal_in(RenewalState.EVALUATION, agent=agent)
    signed = party_add(case=nord, user=agent, role=Party.Role.PREFECT, name="Préfet du Nord")
    party_sign(party=signed, user=agent, on=dt.date(2019, 7, 1), upload=pdf("page.pdf"))
    party_add(case=nord, user=agent, role=Party.Role.RECTOR, name="Recteur de Lille", contact_email="r@ac-lille.fr")
    cget = Client()
    cget.force_login(make_user(Role.CGET_REFERENT))
    body = cget.get("/pilotage/signatures-manquantes/").content.decode()
    assert "Qui bloque le 31 juillet ?" in body and "Recteur – Recteur de Lille" in body
    assert "Préfet du Nord" not in body and "Nord (59)" in body
    exported: Any = cget.get("/pilotage/signatures-manquantes/?export=csv")
    csv = b"".join(exported.streaming_content).decode("utf-8-sig")
    lines = [line for line in csv.splitlines() if line]
    assert len(lines) == 2 and "Recteur de Lille" in lines[1] and "À solliciter" in lines[1]
    prefecture = Client()
    prefecture.force_login(agent_62)
    assert prefecture.get("/pilotage/signatures-manquantes/").status_code == 403
    page = Client()
    page.force_login(agent)
    assert "Signataires (2)" in page.get(f"/renovations/{nord.pk}/").content.decode()


def test_no_party_listed_is_not_read_as_every_party_signed(make_user: MakeUser) -> None:
    """An empty list of parties is not « Chaque signataire obligatoire a signé — conforme »: that rule
    waits for the list, and the advice « Les signataires … sont listés » says what to do."""
    from workflows.cases.compliance import checklist

    agent, validator, cget = (
        make_user(Role.AGENT, "59"),
        make_user(Role.PREFECT_VALIDATOR, "59"),
        make_user(Role.CGET_REFERENT),
    )
    renewal = renewal_in(RenewalState.SIGNATURE, agent=agent, validator=validator, referent=cget)
    status = {finding.rule.code: (finding.status, finding.detail) for finding in checklist(renewal)}
    assert status["renewal-parties-signed"] == ("non applicable", "")
    assert status["renewal-parties-listed"][0] == "à revoir"
    assert "Aucun signataire n'est listé" in status["renewal-parties-listed"][1]
    party_add(case=renewal, user=agent, role=Party.Role.PREFECT, name="Préfet du Nord")
    status = {finding.rule.code: (finding.status, finding.detail) for finding in checklist(renewal)}
    assert status["renewal-parties-listed"][0] == "conforme"
    assert status["renewal-parties-signed"] == ("bloquant", "Signature manquante : Préfet – Préfet du Nord.")


def test_each_write_on_a_party_takes_the_case_s_one_lock(make_user: MakeUser) -> None:
    """Adding a party, asking for, recording or refusing its signature lock the case's row as the
    runner does (``workflows.cases.locks.case_locked``), never the party's row alone: a signature
    recorded while the case's ``sign`` runs waits for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=agent)
    table = renewal._meta.db_table
    day = dt.date(2019, 7, 1)
    writes = [
        lambda: party_add(case=renewal, user=agent, role=Party.Role.MAYOR, name="Maire de Lille"),
        lambda: party_request(party=parties_of(renewal).get(), user=agent, on=day),
        lambda: party_sign(party=parties_of(renewal).get(), user=agent, on=day, upload=pdf("page.pdf")),
        lambda: party_refuse(
            party=party_add(case=renewal, user=agent, role=Party.Role.CAF, name="CAF du Nord"), user=agent, on=day
        ),
    ]
    for write in writes:
        with CaptureQueriesContext(connection) as queries:
            write()
        locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
        assert locks and all(f'FOR UPDATE OF "{table}"' in sql for sql in locks), locks
    assert [p.position for p in parties_of(renewal)] == [0, 1]
