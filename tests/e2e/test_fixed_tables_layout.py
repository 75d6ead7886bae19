"""The site's fixed-layout tables in Chromium, at 1280 and 375 px: the campaign's deadline kinds
(the national dashboard, for the référent CGET; a département's steering page, for the agent of
the Nord) give their first column the 40 % site.css sets (DSFR's ``thead::before`` made Chromium
draw 400 / 400 / 400 px); the tables of sentences of the personal data and cookies pages keep
their equal columns at 1280 px. On a phone every one of them reads as cards: each cell as wide
as its table, no word cut to fit a cell (they were: « professionn / elle », « falsificatio / n »),
no sideways scroll, of the table or the page. Every page passes axe-core. Screenshots under
$SCREENSHOTS_DIR/fixed-tables/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD, log_in, log_out
from tests.e2e.layout import sideways_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", "var/screenshots")) / "fixed-tables"

# The table's header cells' widths against the table's; its container's scroll; its body cells'
# widths against the table's (cards on a phone) and the cells whose words do not fit them once
# words may no longer be broken (overflow-wrap set to normal, as in test_paqte_report_layout).
MEASURE = """(selector) => {
  const table = document.querySelector(selector);
  const container = table.closest(".fr-table__container");
  const width = table.getBoundingClientRect().width;
  const cells = [...table.querySelectorAll("tbody th, tbody td")].filter((cell) => cell.offsetParent !== null);
  cells.forEach((cell) => { cell.style.overflowWrap = "normal"; cell.style.hyphens = "manual"; });
  const cut = cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent.trim());
  cells.forEach((cell) => { cell.style.overflowWrap = ""; cell.style.hyphens = ""; });
  return {
    width,
    shares: [...table.querySelectorAll("thead th")].map((th) => th.getBoundingClientRect().width / width),
    cellShares: cells.map((cell) => cell.getBoundingClientRect().width / width),
    scrollWidth: container.scrollWidth, clientWidth: container.clientWidth, cut,
  };
}"""

PAGES = {
    # name: (who, address, the table, the header's expected shares at 1280 px)
    "tableau-de-bord": ("cget", "/pilotage/tableau-de-bord/", "#echeances table", (0.40, 0.30, 0.30)),
    "departement": ("agent", "/pilotage/departements/59/", "#echeances table", (0.40, 0.30, 0.30)),
    "donnees-personnelles": ("agent", "/donnees-personnelles/", ".quartiers-prose-table table", (1 / 3,) * 3),
    "cookies": ("agent", "/cookies/", ".quartiers-prose-table table", (1 / 3,) * 3),
}


def test_the_fixed_tables_keep_their_columns_at_1280_and_read_as_cards_at_375_px(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    emails = {"cget": "cget@example.gouv.fr", "agent": "agent@example.gouv.fr"}
    for user in (
        make_user(Role.CGET_REFERENT, email=emails["cget"]),
        make_user(Role.AGENT, "59", email=emails["agent"]),
    ):
        user.set_password(PASSWORD)
        user.save()
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[object] = []

    def check(condition: bool, *what: object) -> None:
        if not condition:
            problems.append(what)

    for who in ("cget", "agent"):
        log_in(page, live_server, emails[who])
        for name, (reader, url, selector, shares) in PAGES.items():
            if reader != who:
                continue
            for width in (1280, 375):
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(f"{live_server.url}{url}")
                found = page.evaluate(MEASURE, selector)
                page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
                where = f"{name} at {width} px"
                check(sideways_scroll(page) == "", where, sideways_scroll(page))
                check(found["scrollWidth"] <= found["clientWidth"], where, "the table scrolls", found)
                check(found["cut"] == [], where, "words cut to fit", found["cut"])
                if width == 1280:
                    drawn = [round(share, 3) for share in found["shares"]]
                    check(
                        all(abs(share - expected) <= 0.01 for share, expected in zip(drawn, shares, strict=True)),
                        where,
                        "columns",
                        drawn,
                        shares,
                    )
                else:  # cards: every cell a line of the table's whole width
                    check(all(share > 0.99 for share in found["cellShares"]), where, "not cards", found["cellShares"])
                assert_accessible(axe, page)
        page.set_viewport_size({"width": 1280, "height": 800})
        log_out(page, live_server)
    assert problems == [], "\n".join(map(str, problems))
