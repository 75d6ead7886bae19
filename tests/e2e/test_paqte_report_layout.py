"""The semestrial PAQTE report's figures in Chromium, on the prefect's validation screen (the
valideur of the Nord), the CGET's review screen (the référent CGET) and the report's own page
(the agent), at 1280 and 375 px: the page never scrolls sideways; at 1280 px each axis's table
fits its column (the dossier's 8 columns on a decision screen) without a scroll of its own, the
indicator's label over about half its width, no word cut to fit a cell; on a phone the table
scrolls inside its container (reachable with the keyboard), no word cut either; the figures'
title stands apart from the last of the report's answers (it touched it). Every page passes
axe-core. Screenshots under $SCREENSHOTS_DIR/paqte-report-layout/."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from django.urls import reverse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from reference.models import Department
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD, log_in, log_out
from tests.workflows.paqte.helpers import convention_of
from tests.workflows.submission_helpers import open_task, submission_people
from workflows.cases.runner import transition_run
from workflows.paqte import services as paqte

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", "var/screenshots")) / "paqte-report-layout"

# Each axis's table against its container and the column it sits in; the first column's share of
# the table; the cells whose words do not fit them once words may no longer be broken (DSFR's
# cells wrap at spaces; overflow-wrap breaks a word only as a last resort, which is what is
# measured here: set to normal, a cell whose longest word is wider than it overflows).
MEASURE = """() => {
  const tables = [...document.querySelectorAll("section[aria-labelledby=resultats-titre] table")].map((table) => {
    const container = table.closest(".fr-table__container");
    const column = table.closest("[class*='fr-col-']") || document.querySelector("main .fr-container");
    const cells = [...table.querySelectorAll("th, td")];
    cells.forEach((cell) => { cell.style.overflowWrap = "normal"; cell.style.hyphens = "manual"; });
    const cut = cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.textContent.trim());
    cells.forEach((cell) => { cell.style.overflowWrap = ""; cell.style.hyphens = ""; });
    const first = table.querySelector("thead th");
    return {
      caption: table.caption.textContent.trim(),
      width: table.getBoundingClientRect().width,
      scrollWidth: container.scrollWidth, clientWidth: container.clientWidth,
      right: table.getBoundingClientRect().right, containerRight: container.getBoundingClientRect().right,
      columnRight: column.getBoundingClientRect().right,
      firstShare: first.getBoundingClientRect().width / table.getBoundingClientRect().width,
      focusable: container.tabIndex >= 0, cut,
    };
  });
  // From the report's last answer (annex 2's sections) to the title of its figures.
  const answers = document.querySelector("section[aria-labelledby=sections-titre] dl");
  const title = document.querySelector("#resultats-titre");
  const gap = title.getBoundingClientRect().top - answers.getBoundingClientRect().bottom;
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, tables, gap};
}"""


def test_the_report_figures_fit_at_1280_and_375_px(live_server: LiveServer, page: Page, axe: Axe) -> None:
    people = submission_people(password=PASSWORD)
    agent, validator, cget = people["agent"], people["validator"], people["cget"]
    nord = Department.objects.get(code="59")
    today = datetime.date.today()
    semester = 1 if today.month <= 6 else 2
    # Two companies' conventions on the four axes, with their results: every axis's table has rows
    # with the long labels of the annex's key indicators (« Jeunes des QPV accueillis dans des
    # actions de découverte de l'entreprise (visites, parrainage) »).
    for _ in range(2):
        convention = convention_of(agent, nord, state="active")
        for number, objective in enumerate(convention.objectives.order_by("pk")):
            paqte.result_record(user=agent, objective=objective, year=today.year, semester=semester, value=3 + number)
    report = paqte.report_create(user=agent, department=nord, year=today.year, semester=semester)
    report = paqte.report_update(
        user=agent,
        report=report,
        organisation="Un référent PAQTE par arrondissement, un comité de pilotage trimestriel.",
        pru_count=12,
        job_seekers_qpv=48_200,
    )
    report = transition_run(case=report, user=agent, name="send_to_validation")
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[object] = []

    def check(condition: bool, *what: object) -> None:
        if not condition:
            problems.append(what)

    def measure(name: str, url: str) -> None:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(f"{live_server.url}{url}")
            found = page.evaluate(MEASURE)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            where = f"{name} at {width} px"
            check(found["scrollWidth"] <= found["innerWidth"], where, "page scrolls sideways", found["scrollWidth"])
            check(len(found["tables"]) == 4, where, "one table per axis", [t["caption"] for t in found["tables"]])
            check(found["gap"] >= 24, where, "the figures' title against the last answer", found["gap"])
            for table in found["tables"]:
                what = (where, table["caption"])
                check(table["cut"] == [], *what, "words cut to fit", table["cut"])
                check(table["focusable"], *what, "its scroll not reachable with the keyboard")
                check(table["containerRight"] <= table["columnRight"] + 1, *what, "beyond its column", table)
                if width == 1280:
                    check(table["scrollWidth"] <= table["clientWidth"], *what, "scrolls at 1280 px", table)
                    check(table["right"] <= table["columnRight"] + 1, *what, "wider than its column", table)
                    check(0.45 <= table["firstShare"] <= 0.6, *what, "indicator's column", table["firstShare"])
            assert_accessible(axe, page)
        page.set_viewport_size({"width": 1280, "height": 800})

    # The valideur's validation, then the référent CGET's review, then the agent's own page.
    log_in(page, live_server, validator.email)
    measure("valideur", f"/taches/{open_task(report, 'validate').pk}/decision/")
    log_out(page, live_server)
    report = transition_run(case=report, user=validator, name="validate")
    log_in(page, live_server, cget.email)
    measure("cget", f"/taches/{open_task(report, 'review').pk}/decision/")
    log_out(page, live_server)
    log_in(page, live_server, agent.email)
    measure("agent", reverse("paqte:report_detail", args=[report.pk]))
    assert problems == [], "\n".join(map(str, problems))
