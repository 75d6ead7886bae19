"""The workspace in Chromium, axe on each page, at 1280 and 375 px: a saved view survives
logging out (its tab and count come back), a bulk hand-over to a colleague chosen by name ends
on a French summary, a CGET decision screen shows the référent's designation beside its
buttons. Screenshots under $SCREENSHOTS_DIR/workspace-views/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from viewflow.workflow.models import Task

from accounts.models import Role
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.e2e.conftest import Axe, assert_accessible
from tests.e2e.helpers import PASSWORD, log_in, log_out
from tests.e2e.layout import sideways_scroll
from workflows.cases.runner import transition_run
from workflows.paqte import services as paqte
from workflows.renewal.services import renewal_launch

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", "var/screenshots")) / "workspace-views"


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        assert sideways_scroll(page) == "", f"{name} at {width} px: {sideways_scroll(page)}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_saved_view_survives_logging_out(live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59", email="agent@example.gouv.fr", first_name="Amina", last_name="Lefebvre")
    agent.set_password(PASSWORD)
    agent.save()
    for contract in CityContract.objects.filter(department__code="59").order_by("code")[:3]:
        renewal_launch(city_contract=contract, user=agent)

    log_in(page, live_server, "agent@example.gouv.fr")
    page.goto(f"{live_server.url}/taches/file/")
    page.get_by_label("Étape").select_option(
        label="Rénovation du contrat de ville – Enregistrer l'évaluation à mi-parcours"
    )
    page.locator("label[for=colonne-etat]").click()
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("button", name="Enregistrer cette vue").click()
    page.get_by_label("Nom de la vue").fill("Évaluations à lancer")
    page.get_by_role("button", name="Enregistrer la vue").click()
    expect(page.get_by_role("link", name="Évaluations à lancer 3")).to_have_attribute("aria-current", "page")
    assert_accessible(axe, page)
    shoot(page, "saved-view")

    log_out(page, live_server)
    log_in(page, live_server, "agent@example.gouv.fr")
    page.goto(f"{live_server.url}/taches/")
    page.get_by_role("link", name="Évaluations à lancer 3").click()
    expect(page.get_by_label("Étape")).to_have_value("renewal.evaluate")
    expect(page.get_by_role("columnheader", name="État")).to_have_count(0)
    expect(page.get_by_role("link", name="Enregistrer l'évaluation à mi-parcours")).to_have_count(3)


def test_a_bulk_hand_over_to_a_colleague_chosen_by_name(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    agent = make_user(Role.AGENT, "59", email="agent@example.gouv.fr", first_name="Amina", last_name="Lefebvre")
    make_user(Role.AGENT, "59", first_name="Julien", last_name="Dubois")
    make_user(Role.AGENT, "62", first_name="Paul", last_name="Martin")  # another département: never offered
    agent.set_password(PASSWORD)
    agent.save()
    for contract in CityContract.objects.filter(department__code="59").order_by("code")[:3]:
        renewal_launch(city_contract=contract, user=agent)

    log_in(page, live_server, "agent@example.gouv.fr")
    page.goto(f"{live_server.url}/taches/file/")
    colleague = page.get_by_label("Collègue")
    expect(colleague.locator("option", has_text="Julien Dubois")).to_have_count(1)
    expect(colleague.locator("option", has_text="Paul Martin")).to_have_count(0)
    # DSFR draws the box on the label's ::before (its text is for screen readers only).
    boxes = page.locator('tbody input[name="tache"]')
    boxes.nth(0).check(force=True)
    boxes.nth(1).check(force=True)
    expect(page.locator("#selection-compte")).to_have_text("2 tâches sélectionnées")
    page.get_by_label("Action sur la sélection").select_option(label="Confier à un collègue")
    colleague.select_option(label=colleague.locator("option", has_text="Julien Dubois").inner_text())
    page.get_by_role("button", name="Appliquer à la sélection").click()
    expect(page.get_by_role("heading", name="2 tâches confiées.")).to_be_visible()
    assert_accessible(axe, page)
    shoot(page, "bulk-hand-over")
    assert Task.objects.filter(owner__last_name="Dubois").count() == 2
    page.get_by_role("link", name="Retour à la liste").click()
    expect(page.get_by_role("link", name="File du département 1")).to_be_visible()


def test_the_cget_decides_on_a_referent_beside_its_designation(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    agent = make_user(Role.AGENT, "59")
    validator = make_user(Role.PREFECT_VALIDATOR, "59")
    cget = make_user(Role.CGET_REFERENT, email="cget@example.gouv.fr")
    cget.set_password(PASSWORD)
    cget.save()
    designation = paqte.referent_save(
        user=agent,
        department=Department.objects.get(code="59"),
        name="Claire Martin",
        function="Cheffe de projet",
        email="claire.martin@nord.gouv.fr",
        phone="0320000000",
    )
    transition_run(case=designation, user=agent, name="send_to_validation")
    transition_run(case=designation, user=validator, name="validate")

    log_in(page, live_server, "cget@example.gouv.fr")
    page.goto(f"{live_server.url}/taches/revue-cget/")
    page.get_by_role("link", name="Examiner l'envoi (CGET)").click()
    expect(page.get_by_text("claire.martin@nord.gouv.fr")).to_be_visible()
    assert_accessible(axe, page)
    shoot(page, "decision-referent")
    page.get_by_role("button", name="Renvoyer à la préfecture").click()
    expect(page.get_by_text("Un commentaire est obligatoire pour cette action.")).to_be_visible()
    page.get_by_label("Commentaire ou motif du renvoi").fill("Indiquez un numéro direct.")
    page.get_by_role("button", name="Renvoyer à la préfecture").click()
    expect(page.get_by_role("link", name="Revue CGET 0")).to_be_visible()
