"""dashboard in a real browser: the national dashboard (charts and table) passes
axe-core, its région filter works and its export link keeps the filter."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_shell import PASSWORD, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_cget_dashboard_is_accessible_and_filters(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    referent = make_user(Role.CGET_REFERENT, email="referent.tableau@example.gouv.fr")
    referent.set_password(PASSWORD)
    referent.save()
    log_in(page, live_server, "referent.tableau@example.gouv.fr")
    page.get_by_role("link", name="Tableau de bord").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord national")
    expect(
        page.get_by_role("img", name="Contrats de ville par étape de la rénovation (données dans le tableau qui suit)")
    ).to_be_visible()
    assert_accessible(axe, page)
    page.get_by_label("Région").select_option(label="Hauts-de-France")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name="Nord (59)")).to_be_visible()
    expect(page.get_by_role("link", name="Paris (75)")).to_have_count(0)
    link = page.get_by_role("link", name="Exporter le tableau (CSV, séparateur « ; », UTF-8)")
    assert "region=32" in (link.get_attribute("href") or "") and "export=csv" in (link.get_attribute("href") or "")
    assert_accessible(axe, page)
