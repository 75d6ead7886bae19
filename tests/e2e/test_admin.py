"""In a real headless Chromium: the administrateur national opens a renovation in Django's admin,
sees its history (read-only) and its state as text, not as a field; searches the change list.
Screenshots at 1280 and 375 px in /tmp/shots/h2-documents/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.helpers import PASSWORD
from tests.factories.renewal import RenewalFactory
from workflows.cases.registry import kind_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/h2-documents")  # noqa: S108 (where the screenshots are looked at)


def test_the_national_admin_reads_a_renovation_and_its_history(
    live_server: LiveServer, page: Page, make_user: MakeUser
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin_user = make_user(Role.NATIONAL_ADMIN, email="admin.national@cget.gouv.fr")
    admin_user.set_password(PASSWORD)
    admin_user.save()
    agent = make_user(Role.AGENT, "59")
    renewal = RenewalFactory.create()
    kind_of(renewal).history_append(
        case=renewal, actor=agent, transition="start_evaluation", source="", target=renewal.state, comment="Lancée"
    )

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Adresse électronique").fill(admin_user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("link", name="Rénovations").first).to_be_visible()

    page.goto(f"{live_server.url}/admin/workflows/renewal/?q={renewal.city_contract.code}")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "admin-renewals-1280.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/workflows/renewal/{renewal.pk}/change/")
    history = page.locator(".inline-group", has_text="Historique (en lecture seule")
    expect(history).to_contain_text("Lancée")
    expect(page.locator("select[name=state], input[name=state]")).to_have_count(0)  # read-only
    page.screenshot(path=str(SHOTS / "admin-renewal-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(SHOTS / "admin-renewal-375.png"), full_page=True)
