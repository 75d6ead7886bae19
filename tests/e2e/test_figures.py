"""The campaign's deadline kinds and the dashboard's figures in a real browser, as a prefecture
agent at 1280 and 375 px: the département's deadline table is read whole (no sideways scroll of
the page or of the table), passes axe-core, and each of its late counts opens the list of
exactly that many cases; the list passes axe-core too."""

from __future__ import annotations

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD, log_in
from tests.e2e.layout import sideways_scroll
from tests.security.urls import seed_nord, seed_roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("QUARTIERS_SHOTS", "")

TABLE = """table => {
  const box = table.closest('.fr-table__container');
  return {inner: box.scrollWidth, outer: box.clientWidth, rows: table.querySelectorAll('tbody tr').length};
}"""


def test_department_deadlines_link_to_as_many_cases(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    """At each width in turn, on one seeded Nord and one logged-in session."""
    users = seed_roles(make_user)
    agent = users["agent-59"]
    assert agent is not None
    seed_nord(agent=agent, validator=users["valideur-59"], referent=users["referent-cget"])  # type: ignore[arg-type]
    agent.set_password(PASSWORD)
    agent.save()
    log_in(page, live_server, agent.email)
    for width in (1280, 375):
        deadlines_at(live_server, page, axe, width)


def deadlines_at(live_server: LiveServer, page: Page, axe: Axe, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/pilotage/departements/59/")
    table = page.locator("#echeances table")
    expect(table).to_be_visible()
    measured = table.evaluate(TABLE)
    assert measured["rows"] == 6, measured  # every deadline kind of the campaign
    assert measured["inner"] <= measured["outer"] + 1, measured  # read whole, no sideways scroll
    assert not sideways_scroll(page), sideways_scroll(page)
    assert_accessible(axe, page)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/departement-echeances-{width}.png", full_page=True)
    links = page.locator("#echeances a[data-figure]")
    targets = [(links.nth(i).get_attribute("href"), links.nth(i).text_content()) for i in range(links.count())]
    assert len(targets) == 12
    for href, text in targets:
        assert href and "departement=59" in href
        value = int(re.match(r"\s*(\d+)", text or "").group(1))  # type: ignore[union-attr]
        page.goto(f"{live_server.url}{href}")
        expect(page.locator("#chiffre")).to_contain_text(f"{value} dossier")
        rows = page.locator("table tbody tr")
        assert (rows.count() if value else 0) == value, (href, value)
        assert not sideways_scroll(page), (href, sideways_scroll(page))
    assert_accessible(axe, page)
