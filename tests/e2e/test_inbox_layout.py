"""The inbox's layout in Chromium, for the agent and the valideur of the Nord, the référent CGET
and the administrateur national, at 1280 and 375 px: the header's « select all » box inside its
cell, the « Filtrer » and « Appliquer à la sélection » buttons on the fields' bottom line, the
default columns within the table's width at 1280 px, the first row of the list within the first
screen and a half on a phone (compact tabs, filters behind « Filtres »), the tabs each role needs;
on a phone the list before the selection's action, the exports and « Enregistrer cette vue »
(above it at 1280 px, in the keyboard's order), no gap under « Colonnes affichées », each case's
« En retard » badge on a line of its own under the case's name, whole, in every row.
Screenshots under $SCREENSHOTS_DIR/inbox-layout/."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.contrib.contenttypes.models import ContentType

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from notifications.models import Deadline
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD, log_in, log_out
from tests.e2e.layout import sideways_scroll
from tests.workflows.renewal.helpers import renewal_in
from workflows.models import Renewal, RenewalState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", "var/screenshots")) / "inbox-layout"

# Each box measured in the page: the header's box against its cell, each button against the
# fields beside it, the table against its container, the first row's top.
MEASURE = """() => {
  const box = (element) => element ? element.getBoundingClientRect() : null;
  // The box drawn is the label's (DSFR hides the input itself).
  const header = document.querySelector("label[for=selection-page]");
  const cell = header ? header.closest("th") : null;
  const rowOf = (button) => {
    const row = button.closest(".fr-grid-row");
    return [...row.querySelectorAll("select")].filter((field) => field.offsetParent !== null).map(box);
  };
  const buttons = [...document.querySelectorAll("form .fr-grid-row button[type=submit]")]
    .filter((button) => button.offsetParent !== null)
    .map((button) => ({name: button.textContent.trim(), bottom: box(button).bottom,
                       fields: rowOf(button).map((field) => field.bottom)}));
  const table = document.querySelector(".quartiers-inbox-table table");
  const container = document.querySelector(".quartiers-inbox-table .fr-table__container");
  const first = document.querySelector(".quartiers-inbox-table tbody tr");
  return {
    header: box(header), cell: box(cell), buttons,
    table: table ? table.scrollWidth : 0, container: container ? container.clientWidth : 0,
    firstRow: first ? box(first).top + window.scrollY : null,
    tabs: [...document.querySelectorAll("[aria-label='Onglets des tâches'] a")].map((a) => a.textContent.trim()),
    // The current tab within the viewport's width (its row scrolls sideways on a phone).
    currentShown: (() => {
      const current = document.querySelector("[aria-label='Onglets des tâches'] [aria-current=page]");
      return !current || (box(current).left >= 0 && box(current).right <= document.documentElement.clientWidth);
    })(),
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    // The tops, in the page, of what the list is made of, in the order of the markup (the keyboard's).
    order: Object.fromEntries([
      ["saved", ".quartiers-inbox-save"], ["exports", "#content a[download]"], ["action", "#selection-action"],
      ["table", ".quartiers-inbox-table"], ["count", ".quartiers-inbox-list__pages, #selection + p"],
    ].map(([name, selector]) => {
      const element = document.querySelector(selector);
      return [name, element && element.offsetParent !== null ? box(element).top + window.scrollY : null];
    })),
    // « Colonnes affichées »: from its text's last line to the first box under it.
    legendGap: (() => {
      const legend = document.querySelector("#colonnes-legende");
      const first = document.querySelector("#colonnes .fr-fieldset__element");
      if (!legend || legend.offsetParent === null) return null;
      const text = document.createRange();
      text.selectNodeContents(legend);
      return box(first).top - text.getBoundingClientRect().bottom;
    })(),
    // Each case's risk badge (« En retard »…): where it starts against the cell's first line (the
    // kind of case), its top against the bottom of the case's name before it, its height (a badge
    // broken inside itself is two lines high).
    riskBadges: [...document.querySelectorAll(".quartiers-inbox-table td > .fr-badge")].filter(
      (badge) => badge.previousSibling && badge.closest("td").querySelector(":scope > .fr-text--xs")
    ).map((badge) => {
      const cell = badge.closest("td");
      const name = document.createRange();
      name.setStartBefore(cell.firstChild);
      name.setEndBefore(badge);
      const rects = [...name.getClientRects()].filter((rect) => rect.width > 0);
      return {
        text: badge.textContent.trim(), left: box(badge).left, lineLeft: box(cell.querySelector(".fr-text--xs")).left,
        top: box(badge).top, nameBottom: Math.max(...rects.map((rect) => rect.bottom)), height: box(badge).height,
        lineHeight: parseFloat(getComputedStyle(badge).lineHeight),
      };
    }),
  };
}"""


def test_the_inbox_fits_each_role_at_1280_and_375_px(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    agent = make_user(Role.AGENT, "59", email="agent@example.gouv.fr", first_name="Amina", last_name="Lefebvre")
    validator = make_user(Role.PREFECT_VALIDATOR, "59", email="valideur@example.gouv.fr", last_name="Dupont-Moretti")
    cget = make_user(Role.CGET_REFERENT, email="cget@example.gouv.fr")
    admin = make_user(Role.NATIONAL_ADMIN, email="admin@example.gouv.fr")
    for user in (agent, validator, cget, admin):
        user.set_password(PASSWORD)
        user.save()
    renewal_in(RenewalState.CGET_REVIEW, agent=agent, validator=validator, referent=cget)
    renewal_in(RenewalState.PREFECT_VALIDATION, agent=agent, validator=validator, contract_index=1)
    # Late cases: their rows' « En retard » badge in the red of every late case, on its own line
    # whatever the length of the case's name (it sat after a short name, under a long one).
    for index in (2, 3, 4):
        late = renewal_in(RenewalState.EVALUATION, agent=agent, contract_index=index)
        Deadline.objects.filter(case_type=ContentType.objects.get_for_model(Renewal), case_id=late.pk).update(
            due_on=dt.date.today() - dt.timedelta(days=3)
        )
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[object] = []

    def check(condition: bool, *what: object) -> None:
        if not condition:
            problems.append(what)

    expected_tabs = {
        "agent": "File du département",
        "valideur": "File du département",
        "cget": "Revue CGET",
        "admin": "Tous",
    }
    for name, email, url in (
        ("agent", "agent@example.gouv.fr", "/taches/tous/"),
        ("valideur", "valideur@example.gouv.fr", "/taches/file/"),
        ("cget", "cget@example.gouv.fr", "/taches/revue-cget/"),
        ("admin", "admin@example.gouv.fr", "/taches/tous/"),
    ):
        log_in(page, live_server, email)
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(f"{live_server.url}{url}")
            # Measured before the full-page screenshot (Chromium's capture resizes the page and
            # may move the tabs' row).
            found = page.evaluate(MEASURE)
            page.screenshot(path=str(SHOTS / f"{name}-{width}-screen.png"))
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            where = f"{name} at {width} px"
            check(any(tab.startswith(expected_tabs[name]) for tab in found["tabs"]), where, found["tabs"])
            check(found["currentShown"], where, "current tab off screen")
            if name in ("cget", "admin"):
                check(not any(tab.startswith("File du département") for tab in found["tabs"]), where, found["tabs"])
            check(found["scrollWidth"] <= found["innerWidth"], where, "page scrolls sideways", found["scrollWidth"])
            if found["legendGap"] is not None:  # folded behind « Filtres » on a phone
                check(0 <= found["legendGap"] <= 20, where, "gap under « Colonnes affichées »", found["legendGap"])
            if found["header"] is None:
                continue  # an empty list: no table
            order = found["order"]
            if None in order.values():
                check(False, where, "order", order)
            elif width == 1280:  # the markup's order, the keyboard's: saved view, exports, action, list
                check(
                    order["saved"] < order["exports"] < order["action"] < order["table"] < order["count"],
                    where,
                    "order",
                    order,
                )
            else:  # the list first, its count under it, then the action, the exports and the saved view
                check(
                    order["table"] < order["count"] < order["action"] < order["exports"] < order["saved"],
                    where,
                    "order",
                    order,
                )
            for badge in found["riskBadges"]:
                check(abs(badge["left"] - badge["lineLeft"]) <= 1, where, "badge not at the line's start", badge)
                check(badge["top"] >= badge["nameBottom"] - 1, where, "badge beside the case's name", badge)
                check(badge["height"] <= badge["lineHeight"] + 1, where, "badge broken over two lines", badge)
            if name == "agent":
                check(len(found["riskBadges"]) >= 3, where, "late badges", found["riskBadges"])
                assert_accessible(axe, page)
            header, cell = found["header"], found["cell"]
            check(cell["top"] <= header["top"] and header["bottom"] <= cell["bottom"], where, header, cell)
            for button in found["buttons"]:
                if width == 1280:
                    check(bool(button["fields"]), where, button)
                    for bottom in button["fields"]:
                        check(abs(button["bottom"] - bottom) <= 2, where, button)
            if width == 1280:
                check(found["table"] <= found["container"], where, "table", found["table"], found["container"])
                if name == "agent":
                    badge = page.locator(".quartiers-inbox-table .fr-badge", has_text="En retard").first
                    check("fr-badge--error" in (badge.get_attribute("class") or ""), where, "late badge")
            else:
                check(found["firstRow"] is not None and found["firstRow"] <= 1.5 * 800, where, "row", found["firstRow"])
                check(sideways_scroll(page) == "", where, sideways_scroll(page))
                if name == "agent":
                    # The filters, folded on a phone, open with « Filtres ».
                    check(not page.get_by_role("button", name="Filtrer").is_visible(), where, "filters shown")
                    page.get_by_role("button", name="Filtres").click()
                    expect(page.get_by_role("button", name="Filtrer")).to_be_visible()
        page.set_viewport_size({"width": 1280, "height": 800})
        log_out(page, live_server)
    assert problems == [], "\n".join(map(str, problems))
