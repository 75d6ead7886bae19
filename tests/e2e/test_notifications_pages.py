"""pages in a real browser: préférences de notification and échéances pass axe-core."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from notifications.models import CalendarToken
from reference.models import Department
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_shell import PASSWORD, log_in
from tests.notifications.factories import make_deadline

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_agent_sets_digest_and_calendar(live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59", email="agent.echeances@example.gouv.fr")
    agent.set_password(PASSWORD)
    agent.save()
    make_deadline(Department.objects.get(code="59"), timezone.localdate() + dt.timedelta(days=5), title="Bilan")
    log_in(page, live_server, "agent.echeances@example.gouv.fr")
    page.get_by_role("link", name="Échéances").first.click()
    expect(page.locator("caption")).to_have_text("Échéances de votre périmètre (1)")
    assert_accessible(axe, page)

    page.get_by_role("link", name="Mes préférences de notification et mon calendrier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes préférences de notification")
    assert_accessible(axe, page)
    page.get_by_label("un récapitulatif quotidien").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Vos préférences sont enregistrées.")).to_be_visible()
    page.get_by_role("button", name="Créer mon adresse de calendrier").click()
    address = page.get_by_label("Adresse de votre calendrier")
    expect(address).to_be_visible()  # the token exists once the page answering the click is shown
    token = CalendarToken.objects.get(user=agent).token
    expect(address).to_have_value(f"{live_server.url}/calendrier/{token}.ics")
    assert_accessible(axe, page)
