"""The decision screens in Chromium, each opened by the role that uses it, at 1280 and 375 px:
the prefect's synthesis at its validation (the valideur of the Nord, after he sent it back once
with a motive quoting a long address), the same synthesis at the CGET's review (the référent CGET,
after one return whose reason quotes an address too), the PAQTE référent's designation at the
CGET's review. The page never scrolls sideways; « Votre décision » beside the dossier at 1280 px
(right, 4 columns of 12), above it on a phone; the history's table fits its container at 1280 px
(a comment's 180-character address pushed it to 1736 px in 1200) and its cards on a phone, each
comment inside its cell. The PAQTE report's screens are measured by test_paqte_report_layout.
Every page passes axe-core. Screenshots under $SCREENSHOTS_DIR/decision-screens/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD, log_in, log_out
from tests.e2e.layout import sideways_scroll
from tests.workflows.submission_helpers import in_validation, open_task, submission_people
from workflows.cases.runner import transition_run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", "var/screenshots")) / "decision-screens"

ADDRESS = (
    "https://www.cohesion-territoires.gouv.fr/sites/default/files/2019-03/"
    "note_de_cadrage_syntheses_prefets_feuille_de_route_gouvernementale_pacte_de_dijon_version_definitive_v4.pdf"
)
# A synthesis as a prefecture writes it: an address and a file name pasted in its parts.
PARTS = {
    "steps_taken": (
        "Le comité de pilotage départemental s'est réuni le 4 février 2019 sous la présidence du préfet, avec les "
        "présidents des établissements publics de coopération intercommunale.\n\n"
        "Les documents de travail sont déposés sur l'espace partagé : https://www.cohesion-territoires.gouv.fr/"
        "sites/default/files/2019-01/circulaire_du_22_janvier_2019_mobilisation_nationale_pour_les_habitants.pdf"
    ),
    "measures": (
        "Quarante mesures de la feuille de route gouvernementale sont déclinées dans les protocoles ; le pacte de "
        "Dijon est repris par Lille-Roubaix-Tourcoing-Villeneuve-d'Ascq."
    ),
    "renovation_deadline": "Onze protocoles sur douze seront signés avant le 31 juillet 2019.",
    "difficulties": (
        "Les données QPV_2024_INSEE_IRIS_DECOUPAGE_GEOGRAPHIQUE_REFERENTIEL_NATIONAL_V3.xlsx sont arrivées tard."
    ),
}

MEASURE = """() => {
  const box = (element) => element.getBoundingClientRect();
  const panel = document.querySelector(".quartiers-decision-panel");
  const dossier = document.querySelector("#dossier");
  const tables = [...document.querySelectorAll("main .fr-table:not(.quartiers-report-table) table")].map((table) => {
    const container = table.closest(".fr-table__container");
    // Each comment's text against its cell: a word running out of it shows as a wider range.
    const comments = [...table.querySelectorAll("td[data-label=Commentaire]")].filter((cell) => cell.textContent.trim())
      .map((cell) => {
        const text = document.createRange();
        text.selectNodeContents(cell);
        return {right: text.getBoundingClientRect().right, cellRight: box(cell).right,
                containerRight: box(container).right, scroll: cell.scrollWidth - cell.clientWidth};
      });
    return {caption: table.caption.textContent.trim(), scrollWidth: container.scrollWidth,
            clientWidth: container.clientWidth, comments};
  });
  const callouts = [...document.querySelectorAll(".fr-callout")].map((callout) => ({
    scroll: callout.scrollWidth - callout.clientWidth, right: box(callout).right,
  }));
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    panel: panel ? {left: box(panel).left, top: box(panel).top, width: box(panel).width} : null,
    dossier: {left: box(dossier).left, top: box(dossier).top, width: box(dossier).width},
    tables, callouts, text: document.querySelector("#dossier").textContent,
  };
}"""


def test_the_decision_screens_fit_at_1280_and_375_px(live_server: LiveServer, page: Page, axe: Axe) -> None:
    people = submission_people(password=PASSWORD)
    agent, validator, cget = people["agent"], people["validator"], people["cget"]
    synthesis = in_validation("synthesis", agent, **PARTS)
    synthesis = transition_run(
        case=synthesis, user=validator, name="send_back", comment=f"Reprenez la partie 2 selon la note {ADDRESS}."
    )
    synthesis = transition_run(case=synthesis, user=agent, name="send_to_validation")
    designation = in_validation(
        "paqte-referent",
        agent,
        name="Marie-Christine Lefebvre-Delattre",
        function="Sous-préfète chargée de mission pour la politique de la ville",
        email="pref-politique-de-la-ville-referent-paqte@nord.gouv.fr",
    )
    designation = transition_run(case=designation, user=validator, name="validate")
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[object] = []

    def check(condition: bool, *what: object) -> None:
        if not condition:
            problems.append(what)

    def measure(name: str, url: str, expected: str) -> None:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(f"{live_server.url}{url}")
            found = page.evaluate(MEASURE)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            where = f"{name} at {width} px"
            check(expected in found["text"], where, "the dossier", expected)
            check(sideways_scroll(page) == "", where, sideways_scroll(page))
            panel, dossier = found["panel"], found["dossier"]
            check(panel is not None, where, "no decision panel")
            if panel is not None and width == 1280:  # dossier 8 columns, decision 4 at its right
                check(panel["left"] >= dossier["left"] + dossier["width"] - 1, where, "panel", panel, dossier)
                check(abs(panel["top"] - dossier["top"]) <= 2, where, "panel", panel, dossier)
                check(0.25 <= panel["width"] / (panel["width"] + dossier["width"]) <= 0.4, where, panel, dossier)
            elif panel is not None:  # a phone reads the decision first
                check(panel["top"] < dossier["top"], where, "panel below the dossier", panel, dossier)
            check(found["tables"] != [], where, "no history")
            for table in found["tables"]:
                what = (where, table["caption"])
                check(table["scrollWidth"] <= table["clientWidth"], *what, "scrolls sideways", table)
                for comment in table["comments"]:
                    check(comment["right"] <= comment["cellRight"] + 1, *what, "comment out of its cell", comment)
                    check(comment["cellRight"] <= comment["containerRight"] + 1, *what, "cell out of sight", comment)
                    check(comment["scroll"] <= 1, *what, "comment out of its cell", comment)
            for callout in found["callouts"]:
                check(callout["scroll"] <= 1 and callout["right"] <= width, where, "return out of its box", callout)
            assert_accessible(axe, page)
        page.set_viewport_size({"width": 1280, "height": 800})

    # The valideur validates the synthesis he sent back once; the CGET reviews it after a return.
    log_in(page, live_server, validator.email)
    measure("synthese-valideur", f"/taches/{open_task(synthesis, 'validate').pk}/decision/", "1. Les démarches")
    log_out(page, live_server)
    synthesis = transition_run(case=synthesis, user=validator, name="validate")
    synthesis = transition_run(
        case=synthesis, user=cget, name="return_to_prefecture", comment=f"Citez les QPV ; voir {ADDRESS}"
    )
    synthesis = transition_run(case=synthesis, user=agent, name="resubmit")
    log_in(page, live_server, cget.email)
    # Its earlier returns: the valideur's (to the agent) and the CGET's (to the prefecture).
    measure("synthese-cget", f"/taches/{open_task(synthesis, 'review').pk}/decision/", "Renvois précédents (2)")
    measure("referent-cget", f"/taches/{open_task(designation, 'review').pk}/decision/", "Marie-Christine")
    log_out(page, live_server)
    assert problems == [], "\n".join(map(str, problems))
