"""Renovation pages through the Django client: the whole path with a return, the permission
matrix of every page and action (roles × own / other département), bad uploads, the bulk
launch run twice, and constant query counts."""

from __future__ import annotations

from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role, User
from reference.models import CityContract
from tests.clients import logged
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import EVALUATION, add_commitment, fresh, nord_contract, open_task, pdf, renewal_in
from workflows.models import Renewal, RenewalDocument, RenewalState

pytestmark = pytest.mark.django_db

ANON = None
PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [ANON, *PREFECTURE, *NATIONAL]


def post_task(client: Client, renewal: Renewal, node: str, data: dict[str, object]) -> str:
    task = open_task(renewal, node)
    response = client.post(f"/circuits/{task.process_id}/taches/{task.pk}/", data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def management(prefix: str, total: int, initial: int = 0) -> dict[str, object]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 60,
    }


def commitment(prefix: str) -> dict[str, object]:
    return {
        f"{prefix}-party": "state",
        f"{prefix}-domain": "education",
        f"{prefix}-text": "Cent enseignants expérimentés de plus en REP+",
        f"{prefix}-indicator": "Enseignants expérimentés en REP+",
        f"{prefix}-target_value": "100",
        f"{prefix}-target_year": "2021",
        f"{prefix}-frequency": "annual",
    }


def test_whole_renovation_with_one_return(people: dict[str, User]) -> None:
    agent, validator, referent = logged(people["agent"]), logged(people["validator"]), logged(people["referent"])
    contract = nord_contract()
    response = agent.post(f"/contrats-de-ville/{contract.code}/59/renovation/", follow=True)
    assert "La rénovation est lancée" in response.content.decode()
    renewal = Renewal.objects.get(city_contract=contract)

    # The form says what is missing in French, on each field, and keeps what was typed.
    evaluation = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in EVALUATION.items()}
    body = post_task(agent, renewal, "evaluate", {**evaluation, "councils_consulted": ""})
    assert "Déposez le document d&#x27;évaluation à mi-parcours." in body
    assert "Ce champ est obligatoire." in body
    assert "Le programme de réussite éducative fonctionne." in body
    body = post_task(agent, renewal, "evaluate", {**evaluation, "document": pdf("evaluation.pdf")})
    assert "est terminée" in body and fresh(renewal).state == RenewalState.NEGOTIATION

    protocol = {"childhood_parenting": "Lieux d'accueil parents-enfants", "protocol_signatories": "Préfet, MEL"}
    body = post_task(agent, renewal, "build_protocol", {**protocol, **management("engagements", 1)})
    assert "Le protocole ne contient aucun engagement." in body
    post_task(
        agent, renewal, "build_protocol", {**protocol, **management("engagements", 1), **commitment("engagements-0")}
    )
    assert fresh(renewal).commitments.count() == 1
    assert fresh(renewal).state == RenewalState.PREFECT_VALIDATION
    body = post_task(validator, renewal, "validate", {"decision": "send_back", "comment": ""})
    assert "Expliquez à l&#x27;agent ce qui doit être repris." in body
    post_task(validator, renewal, "validate", {"decision": "validate", "comment": "Vu"})
    assert fresh(renewal).state == RenewalState.CGET_REVIEW
    assert "Revue CGET (1)" in referent.get("/taches/revue-cget/").content.decode()

    body = post_task(referent, renewal, "review", {"decision": "return_to_prefecture", "comment": ""})
    assert "Expliquez à l&#x27;agent ce qui doit être repris." in body
    post_task(referent, renewal, "review", {"decision": "return_to_prefecture", "comment": "Ajoutez la mobilité."})
    page = agent.get(f"/renovations/{renewal.pk}/").content.decode()
    assert "Protocole renvoyé à la préfecture par le CGET" in page and "Ajoutez la mobilité." in page

    existing = fresh(renewal).commitments.get()
    resubmit = {
        **management("engagements", 2, initial=1),
        **commitment("engagements-0"),
        "engagements-0-id": existing.pk,
        **commitment("engagements-1"),
        "engagements-1-domain": "mobility",
    }
    post_task(agent, renewal, "build_protocol", {**protocol, **resubmit})
    post_task(validator, renewal, "validate", {"decision": "validate"})
    post_task(referent, renewal, "review", {"decision": "approve", "comment": "Parfait."})
    assert fresh(renewal).state == RenewalState.SIGNATURE

    body = post_task(
        agent,
        renewal,
        "sign",
        {
            "signed_on": "2019-07-15",
            "signed_by": "Préfet et président de la MEL",
            "document": SimpleUploadedFile("p.docx", b"PK\x03\x04 not a pdf"),
        },
    )
    assert "PDF" in body and fresh(renewal).state == RenewalState.SIGNATURE
    post_task(
        agent,
        renewal,
        "sign",
        {"signed_on": "2019-07-15", "signed_by": "Préfet et président de la MEL", "document": pdf("protocole.pdf")},
    )
    renewal = fresh(renewal)
    assert renewal.state == RenewalState.SIGNED and renewal.commitments.count() == 2
    page = agent.get(f"/renovations/{renewal.pk}/").content.decode()
    assert "Signée dans les temps" in page and "Étape 6 sur 6" in page
    assert [t.target for t in renewal.transitions.all()] == [
        "evaluation",
        "negotiation",
        "prefect_validation",
        "cget_review",
        "negotiation",
        "prefect_validation",
        "cget_review",
        "signature",
        "signed",
    ]
    assert "Protocole transmis au préfet" in page and "Protocole renvoyé à la préfecture par le CGET" in page


def test_claim_release_and_hand_to_a_colleague(people: dict[str, User], make_user: MakeUser) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    colleague, other = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "62")
    task = open_task(renewal, "evaluate")
    agent = logged(people["agent"])
    assert "(1)" in agent.get("/taches/file/").content.decode()
    agent.post(f"/taches/{task.pk}/prendre/")
    assert open_task(renewal, "evaluate").owner == people["agent"]
    assert "À traiter (1)" in agent.get("/taches/").content.decode()
    response = agent.post(f"/taches/{task.pk}/confier/", {"to": other.pk}, follow=True)
    assert "ne peut pas traiter cette tâche" in response.content.decode()
    agent.post(f"/taches/{task.pk}/confier/", {"to": colleague.pk})
    assert open_task(renewal, "evaluate").owner == colleague
    # The former owner's form now meets a French message and keeps the input.
    typed = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in EVALUATION.items()}
    typed.update(evaluation_strengths="Mon texte", document=pdf("evaluation.pdf"))
    response = agent.post(f"/circuits/{task.process_id}/taches/{task.pk}/", typed)
    body = response.content.decode()
    assert "désormais attribuée à" in body and "Mon texte" in body
    logged(colleague).post(f"/taches/{task.pk}/remettre/")
    assert open_task(renewal, "evaluate").owner is None


def test_queue_filters(people: dict[str, User]) -> None:
    renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    agent = logged(people["agent"])
    assert "File du département (1)" in agent.get("/taches/file/?departement=59&dossier=renewal").content.decode()
    assert "Aucune tâche ne correspond à ces filtres." in agent.get("/taches/file/?dossier=synthesis").content.decode()
    assert "Aucune tâche ne correspond à ces filtres." in agent.get("/taches/file/?dossier=inconnu").content.decode()
    assert "Aucune tâche ne correspond à ces filtres." in agent.get("/taches/file/?departement=62").content.decode()
    national = logged(people["referent"])
    assert "Aucune tâche en attente" in national.get("/taches/file/").content.decode()  # not a CGET task


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonyme")
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_permission_matrix(people: dict[str, User], make_user: MakeUser, role: Role | None, own: bool) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    document = RenewalDocument.objects.create(
        renewal=renewal,
        kind="other",
        original_name="a.pdf",
        content_type="application/pdf",
        size=1,
        uploaded_by=people["agent"],
        file="renovations/none.pdf",
    )
    task = open_task(renewal, "evaluate")
    department = "59" if own else "62"
    client = Client()
    if role is not None:
        client.force_login(make_user(role, department if role in PREFECTURE else None))
    other_contract = CityContract.objects.filter(department__code="59").order_by("code")[1]
    assert other_contract is not None
    hidden = role in PREFECTURE and not own  # another département: 404, existence not disclosed

    def status(method: str, url: str, data: dict[str, object] | None = None) -> int:
        response = client.get(url) if method == "get" else client.post(url, data or {})
        if role is None:
            assert response.status_code == 302 and "/connexion/" in response["Location"]
        return response.status_code

    pages = {
        f"/renovations/{renewal.pk}/": 200,
        "/departements/59/renovations/": 200,
        f"/circuits/{task.process_id}/taches/{task.pk}/": 200 if role == Role.AGENT else 403,
    }
    for url, allowed in pages.items():
        code = status("get", url)
        if role is not None:
            assert code == (404 if hidden else allowed), (url, code)
    # The commitments formset exists only in negotiation, for the département's agents.
    negotiating = renewal_in(RenewalState.NEGOTIATION, agent=people["agent"], contract_index=2)
    code = status("get", f"/renovations/{negotiating.pk}/engagements/")
    if role is not None:
        assert code == (404 if hidden else 200 if role == Role.AGENT else 403)
    code = status("get", "/taches/revue-cget/")
    if role is not None:
        assert code == (200 if role == Role.CGET_REFERENT else 403)
    if role is not None and not hidden:
        document.file.storage.save("renovations/none.pdf", pdf())
    code = status("get", f"/renovations/documents/{document.pk}/")
    if role is not None:
        assert code == (404 if hidden else 200)

    # Actions
    code = status("post", f"/contrats-de-ville/{other_contract.code}/59/renovation/")
    launched = Renewal.objects.filter(city_contract=other_contract, state=RenewalState.EVALUATION).exists()
    if role is not None:
        may_launch = (role == Role.AGENT and own) or role == Role.NATIONAL_ADMIN
        assert launched == may_launch and code == (302 if may_launch else 404 if hidden else 403)
    code = status("post", f"/taches/{task.pk}/prendre/")
    claimed = open_task(renewal, "evaluate").owner_id is not None
    assert claimed == (role == Role.AGENT and own)
    if role is not None:
        assert code == (404 if hidden else 302 if claimed else 403)
    code = status("post", f"/renovations/{renewal.pk}/documents/", {"kind": "other", "file": pdf()})
    if role is not None:
        assert code == (404 if hidden else 302 if role == Role.AGENT else 403)


def test_bad_uploads_get_a_french_error(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    agent = logged(people["agent"])
    url = f"/renovations/{renewal.pk}/documents/"
    cases = {
        "script.pdf": (b"#!/bin/sh\nrm -rf /\n", "Seuls les fichiers PDF ou bureautiques"),
        "photo.png": (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "Seuls les fichiers PDF ou bureautiques"),
        "vide.pdf": (b"", "Le fichier soumis est vide."),
    }
    for name, (content, message) in cases.items():
        response = agent.post(url, {"kind": "evaluation", "file": SimpleUploadedFile(name, content)})
        assert response.status_code == 400 and message in response.content.decode(), name
    big = SimpleUploadedFile("gros.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    response = agent.post(url, {"kind": "evaluation", "file": big})
    assert response.status_code == 400 and "taille maximale de 10 Mo" in response.content.decode()
    response = agent.post(url, {"kind": "signed_protocol", "file": SimpleUploadedFile("p.xlsx", b"PK\x03\x04")})
    assert response.status_code == 400
    assert not renewal.documents.exists()
    assert agent.post(url, {"kind": "evaluation", "file": pdf()}).status_code == 302
    stored = renewal.documents.get()
    assert stored.file.name.startswith(f"renovations/{renewal.pk}/") and stored.file.name.endswith(".pdf")
    download = agent.get(f"/renovations/documents/{stored.pk}/")
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"


def test_bulk_launch_twice_is_idempotent(make_user: MakeUser) -> None:
    admin = make_user(Role.NATIONAL_ADMIN)
    contracts = CityContract.objects.count()
    assert contracts == 434
    out = StringIO()
    call_command("renewal_launch_all", "--par", admin.email, stdout=out, stderr=StringIO())
    assert f"{contracts} rénovation(s) lancée(s)" in out.getvalue()
    out = StringIO()
    call_command("renewal_launch_all", "--par", admin.email, stdout=out, stderr=StringIO())
    assert f"0 rénovation(s) lancée(s) sur {contracts}" in out.getvalue()
    assert Renewal.objects.filter(state=RenewalState.EVALUATION).count() == contracts
    from viewflow.workflow.models import Task

    assert Task.objects.filter(flow_task_type="HUMAN", status="NEW").count() == contracts


def queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_case_and_list_pages_have_constant_queries(people: dict[str, User], make_user: MakeUser) -> None:
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=people["agent"])
    agent = logged(people["agent"])
    urls = [f"/renovations/{renewal.pk}/", "/taches/file/", "/departements/59/renovations/"]
    before = [queries(agent, url) for url in urls]
    for _ in range(30):
        add_commitment(renewal)
        RenewalDocument.objects.create(
            renewal=renewal,
            kind="other",
            original_name="a.pdf",
            content_type="application/pdf",
            size=1,
            uploaded_by=people["agent"],
        )
    for contract in CityContract.objects.filter(department__code="59").order_by("code")[1:15]:
        from workflows.renewal.services import renewal_launch

        renewal_launch(city_contract=contract, user=people["agent"])
    assert [queries(agent, url) for url in urls] == before


def test_cget_queue_spans_departements(people: dict[str, User], make_user: MakeUser) -> None:
    renewal_in(RenewalState.CGET_REVIEW, agent=people["agent"], validator=people["validator"])
    body = logged(people["referent"]).get("/taches/revue-cget/").content.decode()
    assert "Revue du CGET" in body and "59 – Nord" in body
    assert "Revue du CGET" in logged(people["referent"]).get("/taches/file/").content.decode()
