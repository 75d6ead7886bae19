"""The agent's workspace in Chromium, at 1280 and 375 px, axe on each page: the inbox's tabs
with their counts, the prefect's decision screen beside the dossier, a returned protocol
reaching the agent as a notice (the bell). Screenshots under $SCREENSHOTS_DIR/workspace/."""

from __future__ import annotations

import os
from pathlib import Path

from django.core import mail

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import Axe, assert_accessible
from tests.e2e.helpers import PASSWORD, log_in, log_out
from tests.workflows.renewal.helpers import open_task, renewal_in
from workflows.models import RenewalState
from workflows.renewal.services import renewal_task_complete

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", "var/screenshots")) / "workspace"


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_returned_protocol_reaches_the_agent(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    agent = make_user(Role.AGENT, "59", email="agent@example.gouv.fr", first_name="Amina")
    validator = make_user(Role.PREFECT_VALIDATOR, "59", email="valideur@example.gouv.fr")
    cget = make_user(Role.CGET_REFERENT, email="cget@example.gouv.fr")
    for user in (agent, validator, cget):
        user.set_password(PASSWORD)
        user.save()
    renewal = renewal_in(RenewalState.CGET_REVIEW, agent=agent, validator=validator, referent=cget)
    renewal_task_complete(
        task_pk=open_task(renewal, "review").pk,
        user=cget,
        transition="return_to_prefecture",
        comment="Ajoutez la mobilité.",
    )
    renewal_task_complete(task_pk=open_task(renewal, "build_protocol").pk, user=agent, fields={})
    for index in (1, 2, 3):
        renewal_in(RenewalState.EVALUATION, agent=agent, contract_index=index)

    # The valideur: his queue, then the decision screen with the dossier beside it.
    log_in(page, live_server, "valideur@example.gouv.fr")
    page.goto(f"{live_server.url}/taches/file/")
    expect(page.get_by_role("link", name="File du département 1")).to_be_visible()
    assert_accessible(axe, page)
    shoot(page, "inbox-valideur")
    page.get_by_role("link", name="Valider le protocole (préfet)").click()
    expect(page.get_by_role("heading", name="Renvois précédents (1)")).to_be_visible()
    assert_accessible(axe, page)
    shoot(page, "decision-valideur")
    page.get_by_role("button", name="Renvoyer à l'agent").click()
    expect(page.get_by_text("Expliquez à l'agent ce qui doit être repris.")).to_be_visible()
    page.get_by_label("Commentaire ou motif du renvoi").fill("Précisez les signataires.")
    mail.outbox.clear()
    page.get_by_role("button", name="Renvoyer à l'agent").click()
    expect(page.get_by_text("est terminée")).to_be_visible()
    log_out(page, live_server)

    # The agent: the bell counts both returns, the notice gives the reason.
    log_in(page, live_server, "agent@example.gouv.fr")
    expect(page.locator("#avis")).to_contain_text("2 avis non lus")  # the CGET's return, then the prefect's
    page.goto(f"{live_server.url}/taches/tous/")
    assert_accessible(axe, page)
    shoot(page, "inbox-agent-tous")
    page.locator("#avis").click()
    expect(page.get_by_text("Précisez les signataires.")).to_be_visible()
    assert_accessible(axe, page)
    shoot(page, "notices-agent")
    page.get_by_role("button", name="Tout marquer comme lu").click()
    expect(page.locator("#avis")).to_contain_text("0 avis non lus")


def test_search_by_siret_from_the_header(live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser) -> None:
    from reference.models import Department
    from tests.workflows.paqte.helpers import company_of, convention_of

    agent = make_user(Role.AGENT, "59", email="agent@example.gouv.fr")
    agent.set_password(PASSWORD)
    agent.save()
    company = company_of(name="Boulangerie Hélène & Fils")
    convention_of(agent, Department.objects.get(code="59"), company=company)
    siret = company.siret
    log_in(page, live_server, "agent@example.gouv.fr")
    page.locator("#recherche-dossier").fill(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    page.locator("#recherche button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("1 dossier pour")
    expect(page.get_by_text("Convention PAQTE", exact=False).first).to_be_visible()
    assert_accessible(axe, page)
    shoot(page, "search-siret")
