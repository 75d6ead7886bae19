"""The compliance checklist, the early warning and « Qui bloque le 31 juillet ? » in a real
Chromium at 1280 and 375 px: each page passes axe-core and does not scroll sideways."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD
from tests.e2e.layout import sideways_scroll
from tests.workflows.renewal.helpers import add_commitment, renewal_in
from workflows.cases.parties import Party
from workflows.cases.party_services import party_add
from workflows.models import RenewalState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(page: Page, live_server: LiveServer, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_checklist_early_warning_and_missing_signatures(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    agent = make_user(Role.AGENT, "59", email="agent@example.gouv.fr")
    cget = make_user(Role.CGET_REFERENT, email="cget@example.gouv.fr")
    for user in (agent, cget):
        user.set_password(PASSWORD)
        user.save()
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=agent)
    add_commitment(renewal)
    party_add(case=renewal, user=agent, role=Party.Role.CAF, name="CAF du Nord")
    # The campaign's today is the real date, after the 2019 signature date: the renovation is late.

    _log_in(page, live_server, agent.email)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/renovations/{renewal.pk}/")
        expect(page.get_by_role("heading", name="Conformité à la circulaire")).to_be_visible()
        expect(page.locator('[data-rule="renewal-childhood-parenting"][data-status="bloquant"]')).to_be_visible()
        expect(page.locator("#alerte-precoce")).to_contain_text("En retard")
        assert sideways_scroll(page) == "", width
        assert_accessible(axe, page)
        page.goto(f"{live_server.url}/taches/tous/?echeance=risque")
        expect(page.get_by_role("cell", name=f"contrat de ville {renewal.city_contract.code}")).to_be_visible()
        expect(page.locator("td .fr-badge--error").first).to_be_visible()
        assert sideways_scroll(page) == "", width
    _log_in(page, live_server, cget.email)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/pilotage/signatures-manquantes/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Qui bloque le 31 juillet ?")
        expect(page.get_by_text("Caisse d'allocations familiales – CAF du Nord")).to_be_visible()
        assert sideways_scroll(page) == "", width
        assert_accessible(axe, page)
