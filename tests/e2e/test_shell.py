"""A demo agent of the Nord logs in and browses the Nord only, in a real browser; every page
visited passes axe-core with no violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page: Page, live_server: LiveServer, email: str) -> None:
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/connexion/?next=/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_agent_of_the_nord_browses_the_nord_only(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    agent = make_user(Role.AGENT, "59", email="agent.nord@example.gouv.fr")
    agent.set_password(PASSWORD)
    agent.save()

    page.goto(f"{live_server.url}/connexion/")
    assert_accessible(axe, page)
    log_in(page, live_server, "agent.nord@example.gouv.fr")
    expect(page).to_have_url(f"{live_server.url}/taches/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tâches")
    assert_accessible(axe, page)

    page.get_by_role("link", name="Départements").click()
    expect(page.locator("caption")).to_have_text("Départements de votre périmètre (1)")
    assert page.get_by_role("link", name="Pas-de-Calais").count() == 0
    assert_accessible(axe, page)

    page.get_by_role("link", name="Nord", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nord")
    assert_accessible(axe, page)

    page.get_by_role("link", name="Métropole Européenne de Lille").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CV192")
    assert_accessible(axe, page)

    response = page.goto(f"{live_server.url}/departements/62/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")

    page.goto(f"{live_server.url}/mesures/")
    expect(page.locator("table").first).to_contain_text("En cours de déploiement")
    assert_accessible(axe, page)

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server.url}/connexion/")


def test_wrong_password_gets_a_french_error(live_server: LiveServer, page: Page, axe: Axe) -> None:
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse électronique").fill("personne@example.gouv.fr")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Adresse électronique ou mot de passe incorrect.")).to_be_visible()
    assert_accessible(axe, page)
