"""Two agents submit the same task at the same moment, on the real PostgreSQL:
one succeeds, the other gets a French message with the form re-displayed as typed."""

from __future__ import annotations

import threading

from django.db import connection
from django.test import Client

import pytest

from accounts.models import Role
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import EVALUATION, open_task, pdf, renewal_in
from workflows.models import RenewalDocument, RenewalState, RenewalTransition
from workflows.renewal.services import renewal_document_add

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_agents_complete_the_same_task_at_once(make_user: MakeUser) -> None:
    first, second = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=first)
    renewal_document_add(renewal=renewal, user=first, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
    task = open_task(renewal, "evaluate")
    url = f"/circuits/{task.process_id}/taches/{task.pk}/"
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in EVALUATION.items()}

    barrier = threading.Barrier(2)
    results: dict[str, tuple[int, str]] = {}

    def submit(name: str, user_index: int) -> None:
        client = Client()
        client.force_login([first, second][user_index])
        typed = {**data, "evaluation_strengths": f"Saisie de {name}"}
        try:
            barrier.wait(timeout=10)
            response = client.post(url, typed)
            results[name] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(name, i)) for i, name in enumerate(["A", "B"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = sorted(code for code, _ in results.values())
    assert codes == [200, 302], codes
    loser, (_, body) = next((name, result) for name, result in results.items() if result[0] == 200)
    assert "déjà été traitée" in body or "en train de traiter ce dossier" in body
    assert f"Saisie de {loser}" in body  # nothing they typed is lost
    assert RenewalTransition.objects.filter(renewal=renewal, transition="record_evaluation").count() == 1
    winner = "A" if loser == "B" else "B"
    renewal.refresh_from_db()
    assert renewal.state == RenewalState.NEGOTIATION and renewal.evaluation_strengths == f"Saisie de {winner}"
    assert open_task(renewal, "build_protocol")  # exactly one next task (get() would raise otherwise)


def test_a_colleague_posting_after_the_case_moved_on_meets_the_french_message(make_user: MakeUser) -> None:
    """The slower of two agents reaches the page once the faster one's completion is committed and
    the case is in the next step: the role is still read on the task's transition, so he meets the
    open-task message with his input, not a 403 (the thread race above, made deterministic)."""
    first, second = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=first)
    renewal_document_add(renewal=renewal, user=first, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
    task = open_task(renewal, "evaluate")
    url = f"/circuits/{task.process_id}/taches/{task.pk}/"
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in EVALUATION.items()}
    faster, slower = Client(), Client()
    faster.force_login(first)
    slower.force_login(second)
    assert faster.post(url, {**data, "evaluation_strengths": "Saisie de A"}).status_code == 302
    response = slower.post(url, {**data, "evaluation_strengths": "Saisie de B"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "déjà été traitée" in body and "Saisie de B" in body
    renewal.refresh_from_db()
    assert renewal.state == RenewalState.NEGOTIATION and renewal.evaluation_strengths == "Saisie de A"
    outsider = Client()
    outsider.force_login(make_user(Role.AGENT, "62"))
    assert outsider.post(url, {**data, "evaluation_strengths": "Saisie de C"}).status_code in (403, 404)
