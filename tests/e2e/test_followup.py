"""follow-up of commitments in a real browser: the case's follow-up list and the
recording form (with a French error, then success) pass axe-core."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_shell import PASSWORD, log_in
from tests.workflows.renewal.followup.helpers import commitment, signed_renewal
from workflows.renewal.followup.services import follow_ups_generate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_agent_records_a_follow_up(live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59", email="agent.suivi@example.gouv.fr")
    agent.set_password(PASSWORD)
    agent.save()
    renewal = signed_renewal("59")
    commitment(renewal, "annual", unit="count")
    follow_ups_generate(renewal=renewal)
    log_in(page, live_server, "agent.suivi@example.gouv.fr")
    page.goto(f"{live_server.url}/renovations/{renewal.pk}/suivi/")
    expect(page.locator("caption")).to_have_text("Suivis (3)")
    assert_accessible(axe, page)

    page.get_by_role("link", name="Voir le suivi du 12/07/2020").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suivi du 12/07/2020")
    assert_accessible(axe, page)
    page.get_by_label("Valeur de l'indicateur").fill("2,5")
    page.get_by_role("button", name="Enregistrer le suivi").click()
    expect(page.get_by_text("Cet indicateur se compte : saisissez un nombre entier.")).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_label("Valeur de l'indicateur").fill("3")
    page.get_by_label("Commentaire").fill("Trois commerces ouverts.")
    page.get_by_role("button", name="Enregistrer le suivi").click()
    expect(page.get_by_text("Le suivi est enregistré.")).to_be_visible()
    expect(page.get_by_text("Renseigné", exact=True)).to_be_visible()
    assert_accessible(axe, page)
