"""In a real headless Chromium: the agent of the Nord writes the 15 March synthesis (live
character count), the valideur préfectoral submits it, the CGET returns it with a comment, the
agent corrects it, the valideur submits it again and the CGET approves it. Every page visited
passes axe-core."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from notifications.models import Deadline
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD, click, log_in, log_out
from tests.workflows.synthesis.helpers import TEXT
from workflows.synthesis.models import Synthesis

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AGENT, VALIDATOR, CGET = (
    "agent.synthese@nord.gouv.fr",
    "valideur.synthese@nord.gouv.fr",
    "referent.synthese@cget.gouv.fr",
)


def open_synthesis(page: Page) -> None:
    page.get_by_role("link", name="Pilotage", exact=True).click()
    page.get_by_role("link", name="Synthèses des préfets (15 mars 2019)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Synthèses des préfets 2019")
    page.get_by_role("link", name="Nord (59)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Synthèse du préfet 2019 – Nord (59)")


def test_synthesis_agent_validator_cget_return_resubmit_approve(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    for role, code, email in (
        (Role.AGENT, "59", AGENT),
        (Role.PREFECT_VALIDATOR, "59", VALIDATOR),
        (Role.CGET_REFERENT, None, CGET),
    ):
        user = make_user(role, code, email=email)
        user.set_password(PASSWORD)
        user.save()

    # The agent writes the four parts; the count follows the typing.
    log_in(page, live_server, AGENT)
    open_synthesis(page)
    expect(page.locator("#etat-synthese")).to_have_text("Non commencée")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Rédiger la synthèse").click()
    expect(page.locator("#id_steps_taken")).to_be_visible()
    assert_accessible(axe, page)
    page.locator("#id_steps_taken").fill("Douze.")
    expect(page.locator("#compteur-steps_taken")).to_have_text("6 caractères")
    expect(page.locator("#compteur-total")).to_contain_text("Total : 6 caractères")
    page.locator("#id_steps_taken").fill(TEXT["steps_taken"])
    page.locator("#id_measures").fill(TEXT["measures"])
    page.locator("#id_renovation_deadline").fill(TEXT["renovation_deadline"])
    click(page, "Enregistrer le brouillon")
    expect(page.locator("#etat-synthese")).to_have_text("Brouillon")
    click(page, "Soumettre à la validation préfectorale")
    expect(
        page.get_by_text("La synthèse est incomplète, renseignez : Les difficultés rencontrées.", exact=True)
    ).to_be_visible()
    # The compliance rule that blocks it quotes the circular.
    expect(
        page.get_by_text("La synthèse traite les quatre parties demandées : « une synthèse de cinq pages")
    ).to_be_visible()
    page.get_by_role("link", name="Rédiger la synthèse").click()
    page.locator("#id_difficulties").fill(TEXT["difficulties"])
    click(page, "Enregistrer le brouillon")
    expect(page.locator("#tableau-renovation")).to_be_visible()
    assert_accessible(axe, page)
    click(page, "Soumettre à la validation préfectorale")
    expect(page.locator("#etat-synthese")).to_have_text("En validation préfectorale")
    log_out(page, live_server)

    # The valideur préfectoral submits it to the CGET.
    log_in(page, live_server, VALIDATOR)
    open_synthesis(page)
    assert_accessible(axe, page)
    click(page, "Valider et transmettre au CGET")
    expect(page.locator("#etat-synthese")).to_have_text("Transmise au CGET")
    expect(page.get_by_text("Tableau figé à la transmission au CGET")).to_be_visible()
    log_out(page, live_server)
    assert Deadline.objects.get(department__code="59", definition__code="synthesis").met_at is not None

    # The CGET returns it with a comment.
    log_in(page, live_server, CGET)
    open_synthesis(page)
    # The PDF's button reads as a button with its words, not a bare icon (DSFR makes an icon
    # button of a group without « --icon-left » 40 px wide, its text hidden).
    pdf_button = page.get_by_role("link", name="Télécharger le PDF (A4, cinq pages au plus)")
    box = pdf_button.bounding_box()
    assert box is not None and box["width"] > 200, box
    assert_accessible(axe, page)
    page.get_by_label("Commentaire pour « Renvoyer à la préfecture »").fill("Détaillez les mesures du pacte de Dijon.")
    click(page, "Renvoyer à la préfecture")
    expect(page.locator("#etat-synthese")).to_have_text("Renvoyée par le CGET")
    log_out(page, live_server)
    assert Deadline.objects.get(department__code="59", definition__code="synthesis").met_at is None

    # The agent reads the comment, corrects it and transmits it again (a returned submission).
    log_in(page, live_server, AGENT)
    open_synthesis(page)
    expect(page.locator("#motif-renvoi")).to_have_text("Détaillez les mesures du pacte de Dijon.")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Rédiger la synthèse").click()
    page.locator("#id_measures").fill(TEXT["measures"] + "\nLe pacte de Dijon est décliné dans les trois contrats.")
    click(page, "Enregistrer le brouillon")
    click(page, "Transmettre à nouveau au CGET")
    expect(page.locator("#etat-synthese")).to_have_text("Transmise au CGET")
    log_out(page, live_server)

    # The CGET approves it and downloads the PDF.
    log_in(page, live_server, CGET)
    open_synthesis(page)
    click(page, "Approuver")
    expect(page.locator("#etat-synthese")).to_have_text("Approuvée par le CGET")
    assert_accessible(axe, page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF (A4, cinq pages au plus)").click()
    assert download.value.suggested_filename == "synthese-2019-59.pdf"
    page.get_by_role("link", name="Synthèses des préfets").first.click()
    expect(page.locator('tr[data-departement="59"]')).to_contain_text("Approuvée par le CGET")
    assert_accessible(axe, page)

    synthesis = Synthesis.objects.get(department__code="59", year=2019)
    assert synthesis.state == "approved" and synthesis.renovation_snapshot is not None
    assert list(synthesis.history.values_list("transition", flat=True)) == [
        "create",
        "send_to_validation",
        "validate",
        "return_to_prefecture",
        "resubmit",
        "approve",
    ]
