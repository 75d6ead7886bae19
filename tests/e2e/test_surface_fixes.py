"""The national admin with the campaign's clock moved, on a phone (375 px) and a desk (1280 px):
axe finds nothing (the clock's notice is a landmark region), no page scrolls sideways, and the
deadline tables read as cards whose cells hold their words whole (no cell wider than its box)."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD, log_in
from tests.e2e.layout import sideways_scroll
from tests.factories.renewal import RenewalFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Each cell of a stacked table (but the DSFR's row selection, whose label is transparent text
# overflowing on purpose): its display, and whether its text runs out of its box.
CELLS = """() => [...document.querySelectorAll('.quartiers-stacked tbody :is(td, th):not(.fr-cell--fixed)')]
  .map(c => [getComputedStyle(c).display, c.scrollWidth > c.clientWidth + 1, c.textContent.trim().slice(0, 40)])"""


def test_clock_notice_is_a_region_and_deadline_tables_fit_a_phone(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser, settings: Any
) -> None:
    settings.QUARTIERS_CAMPAIGN_TODAY = "2019-08-16"
    RenewalFactory.create()
    admin = make_user(Role.NATIONAL_ADMIN, email="admin.surface@example.gouv.fr")
    admin.set_password(PASSWORD)
    admin.save()
    log_in(page, live_server, "admin.surface@example.gouv.fr")
    expect(page.get_by_role("region", name="Date de la campagne")).to_contain_text("vendredi 16 août 2019")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        for path in ("/pilotage/departements/59/", "/departements/59/renovations/"):
            page.goto(f"{live_server.url}{path}")
            assert_accessible(axe, page)
            assert sideways_scroll(page) == "", (width, path)
            cells = page.evaluate(CELLS)
            assert cells, path
            if width == 375:
                assert {display for display, _, _ in cells} == {"block"}, path
            assert not [text for _, overflows, text in cells if overflows], (width, path)
