"""A database that does not answer in time (the embedded SQLite busy past its timeout) never
loses what was typed: the task page comes back with the form filled and a French message, not
Django's debug page or a 500."""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.test import Client

import pytest

from accounts.models import Role
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import EVALUATION, fresh, open_task, pdf, renewal_in
from workflows.models import RenewalDocument, RenewalState
from workflows.renewal import services
from workflows.renewal.services import renewal_document_add

pytestmark = pytest.mark.django_db


def test_a_busy_database_keeps_the_form_as_typed(make_user: MakeUser, monkeypatch: pytest.MonkeyPatch) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in("evaluation", agent=agent)
    # The mid-term evaluation's document is deposited: the form is complete, only the database is busy.
    renewal_document_add(renewal=renewal, user=agent, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
    client = Client()
    client.force_login(agent)

    def busy(**kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "renewal_task_complete", busy)
    task = open_task(renewal, "evaluate")
    data = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in EVALUATION.items()}
    response = client.post(f"/circuits/{task.process_id}/taches/{task.pk}/", data)
    body = response.content.decode()
    assert response.status_code == 503
    assert "momentanément occupée" in body and "Votre saisie est conservée" in body
    assert "Le programme de réussite éducative fonctionne." in body
    assert "Conseils citoyens de Lille-Sud et de Moulins" in body
    assert fresh(renewal).state == RenewalState.EVALUATION
