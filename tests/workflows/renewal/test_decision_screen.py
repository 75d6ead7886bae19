"""The prefect's and the CGET's decision screens show the dossier beside the decision: the
evaluation, the protocol, its commitments, the documents, the history and earlier return
comments; the buttons are the transition table's; a return needs its reason and keeps what
was typed; the screen's queries do not grow with the dossier."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role, User
from tests.clients import logged
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import add_commitment, fresh, open_task, renewal_in
from workflows.models import Renewal, RenewalState
from workflows.renewal.services import renewal_task_complete

pytestmark = pytest.mark.django_db


def task_url(renewal: Renewal, node: str) -> str:
    task = open_task(renewal, node)
    return f"/circuits/{task.process_id}/taches/{task.pk}/"


@pytest.fixture
def returned_once(make_user: MakeUser) -> dict[str, object]:
    agent, validator, cget = (
        make_user(Role.AGENT, "59"),
        make_user(Role.PREFECT_VALIDATOR, "59"),
        make_user(Role.CGET_REFERENT),
    )
    renewal = renewal_in(RenewalState.CGET_REVIEW, agent=agent, validator=validator, referent=cget)
    renewal_task_complete(
        task_pk=open_task(renewal, "review").pk,
        user=cget,
        transition="return_to_prefecture",
        comment="Ajoutez un engagement sur la mobilité.",
    )
    renewal_task_complete(task_pk=open_task(renewal, "build_protocol").pk, user=agent, fields={})
    assert fresh(renewal).state == RenewalState.PREFECT_VALIDATION
    return {"agent": agent, "validator": validator, "cget": cget, "renewal": fresh(renewal)}


def test_the_prefect_sees_the_dossier_and_the_table_s_buttons(returned_once: dict[str, object]) -> None:
    validator, renewal = returned_once["validator"], returned_once["renewal"]
    assert isinstance(validator, User) and isinstance(renewal, Renewal)
    body = logged(validator).get(task_url(renewal, "validate")).content.decode()
    for expected in (
        "Évaluation à mi-parcours",
        "Le programme de réussite éducative fonctionne.",  # the evaluation
        "Lieux d&#x27;accueil parents-enfants dans chaque QPV.",  # the protocol
        "Créer une offre de locaux en pied d&#x27;immeuble",  # a commitment
        "Documents",
        "Historique",
        "Renvois précédents (1)",
        "Ajoutez un engagement sur la mobilité.",  # the CGET's earlier return comment
        'value="validate">Valider le protocole et le transmettre au CGET</button>',
        'value="send_back">Renvoyer à l&#x27;agent</button>',
    ):
        assert expected in body, expected
    decision = body[body.rfind("<form", 0, body.index('value="validate"')) :]
    decision = decision[: decision.index("</form>")]
    assert "(Optionnel)" not in decision and "Terminer la tâche" not in body  # a return's reason is not optional


def test_a_return_needs_its_reason_and_keeps_what_was_typed(returned_once: dict[str, object]) -> None:
    validator, renewal = returned_once["validator"], returned_once["renewal"]
    assert isinstance(validator, User) and isinstance(renewal, Renewal)
    client = logged(validator)
    url = task_url(renewal, "validate")
    body = client.post(url, {"decision": "send_back", "comment": "   "}).content.decode()
    assert "Expliquez à l&#x27;agent ce qui doit être repris." in body and 'aria-invalid="true"' in body
    assert fresh(renewal).state == RenewalState.PREFECT_VALIDATION
    # A refusal by a guard keeps the comment typed.
    renewal.commitments.all().delete()
    body = client.post(url, {"decision": "validate", "comment": "Vu, conforme."}).content.decode()
    assert "Le protocole ne contient aucun engagement." in body and "Vu, conforme." in body
    add_commitment(renewal)
    response = client.post(url, {"decision": "send_back", "comment": "Précisez les signataires."})
    assert response.status_code == 302
    assert fresh(renewal).state == RenewalState.NEGOTIATION


def test_the_cget_review_screen_shows_the_dossier(returned_once: dict[str, object]) -> None:
    validator, cget, renewal = returned_once["validator"], returned_once["cget"], returned_once["renewal"]
    assert isinstance(validator, User) and isinstance(cget, User) and isinstance(renewal, Renewal)
    renewal_task_complete(task_pk=open_task(renewal, "validate").pk, user=validator, transition="validate")
    body = logged(cget).get(task_url(renewal, "review")).content.decode()
    assert "Créer une offre de locaux en pied d&#x27;immeuble" in body and "Renvois précédents (1)" in body
    assert 'value="approve">Approuver le protocole</button>' in body
    assert 'value="return_to_prefecture">Renvoyer à la préfecture</button>' in body


def test_other_task_pages_say_what_the_button_does(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=agent)
    body = logged(agent).get(task_url(renewal, "evaluate")).content.decode()
    assert "Enregistrer l&#x27;évaluation à mi-parcours</button>" in body


def test_decision_screen_queries_do_not_grow_with_commitments(returned_once: dict[str, object]) -> None:
    validator, renewal = returned_once["validator"], returned_once["renewal"]
    assert isinstance(validator, User) and isinstance(renewal, Renewal)
    client = logged(validator)
    url = task_url(renewal, "validate")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    before = count()
    for _ in range(5):
        add_commitment(renewal)
    assert count() == before
