"""In a real headless Chromium: an agent of the Nord carries a PME convention from draft to
active and records a semester's results; the report goes through the prefect's validation,
is returned once by the CGET, resubmitted and approved. Every page visited passes axe-core."""

from __future__ import annotations

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD, click, log_in, log_out
from tests.workflows.paqte.helpers import make_siret
from workflows.paqte.models import PaqteConvention, SemesterReport, SemesterResult

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_pme_convention_to_active_and_report_approved_after_one_return(
    live_server: LiveServer,
    page: Page,
    axe: Axe,
    make_user: MakeUser,
) -> None:
    for role, code, email in (
        (Role.AGENT, "59", "agent.paqte@nord.gouv.fr"),
        (Role.PREFECT_VALIDATOR, "59", "valideur.paqte@nord.gouv.fr"),
        (Role.CGET_REFERENT, None, "referent.paqte@cget.gouv.fr"),
    ):
        user = make_user(role, code, email=email)
        user.set_password(PASSWORD)
        user.save()
    today = datetime.date.today()
    semester = 1 if today.month <= 6 else 2

    # The agent creates the convention of a PME.
    log_in(page, live_server, "agent.paqte@nord.gouv.fr")
    page.get_by_role("link", name="PAQTE", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PAQTE")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Conventions", exact=True).click()
    page.get_by_role("link", name="Nouvelle convention").click()
    assert_accessible(axe, page)
    page.get_by_label("SIRET de l'entreprise").fill("123")
    click(page, "Créer la convention")
    expect(page.get_by_text("doit comporter 14 chiffres")).to_be_visible()
    page.get_by_label("SIRET de l'entreprise").fill(make_siret())
    page.get_by_label("Raison sociale").fill("Boulangerie du Pont")
    page.locator("#id_size").select_option(label="PME")
    page.get_by_label("Secteur d'activité").fill("Alimentation")
    page.get_by_label("Adresse").fill("3 rue du Pont, 59100 Roubaix")
    page.locator("#id_signature_level").select_option(label="Signature locale")
    click(page, "Créer la convention")
    expect(page.get_by_role("heading", level=1)).to_have_text("Convention PAQTE – Boulangerie du Pont")
    expect(page.locator("#etat-convention")).to_have_text("Brouillon")

    # Objectives: one key indicator and one specific commitment (allowed to a PME).
    page.locator("#id_indicator").select_option(label="Recrutements d'habitants des QPV")
    page.locator("#id_target").fill("4")
    click(page, "Ajouter l'objectif")
    expect(page.get_by_text("L'objectif est ajouté.")).to_be_visible()
    page.locator("#id_axis").select_option(label="Sensibiliser")
    page.locator("#id_label").fill("Forum des métiers au collège")
    page.locator("#id_target").fill("1")
    click(page, "Ajouter l'objectif")
    expect(page.locator("caption", has_text="Objectifs (2)")).to_be_visible()
    assert_accessible(axe, page)

    click(page, "Ouvrir la négociation")
    expect(page.locator("#etat-convention")).to_have_text("En négociation")
    click(page, "Enregistrer la signature")
    expect(page.locator("#etat-convention")).to_have_text("Signée")
    click(page, "Mettre en œuvre")
    expect(page.locator("#etat-convention")).to_have_text("En cours")
    convention = PaqteConvention.objects.get(company__name="Boulangerie du Pont")
    assert convention.state == "active" and convention.ends_on is not None

    # A semester's results.
    page.locator("#id_objective").select_option(label="Recrutements d'habitants des QPV")
    page.locator("#id_value").fill("3")
    click(page, "Enregistrer le résultat")
    expect(page.get_by_text("Le résultat du semestre est enregistré.")).to_be_visible()
    assert_accessible(axe, page)
    assert SemesterResult.objects.get(objective__convention=convention).value == 3

    # The report of the semester.
    page.get_by_role("link", name="Bilans semestriels").first.click()
    page.locator("#id_year").fill(str(today.year))
    page.locator("#id_semester").select_option(value=str(semester))
    click(page, "Créer le bilan")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilan semestriel PAQTE – Nord (59)")
    expect(
        page.locator("table", has_text="Recrutements d'habitants des QPV").locator(
            "tr", has_text="Recrutements d'habitants des QPV"
        )
    ).to_contain_text("3")
    page.locator("#id_organisation").fill("Une chargée de mission PAQTE en préfecture")
    page.locator("#id_pru_count").fill("9")
    page.locator("#id_job_seekers_qpv").fill("41000")
    click(page, "Enregistrer le bilan")
    expect(page.get_by_text("Le bilan est enregistré.")).to_be_visible()
    assert_accessible(axe, page)
    click(page, "Soumettre à la validation préfectorale")
    expect(page.locator("#etat-bilan")).to_have_text("En validation préfectorale")
    report_url = page.url
    log_out(page, live_server)

    # The prefect's validator finds the task in the PAQTE queue.
    log_in(page, live_server, "valideur.paqte@nord.gouv.fr")
    page.goto(f"{live_server.url}/taches/file/")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Valider au nom du préfet et transmettre au CGET").click()
    click(page, "Valider et transmettre au CGET")
    # The task done, the validator is back on the list he opened it from.
    expect(page.get_by_text("Validé par le préfet et transmis au CGET : Bilan semestriel PAQTE")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tâches")
    page.goto(report_url)
    expect(page.locator("#etat-bilan")).to_have_text("Transmis au CGET")
    log_out(page, live_server)

    # The CGET returns it once.
    log_in(page, live_server, "referent.paqte@cget.gouv.fr")
    page.goto(f"{live_server.url}/taches/revue-cget/")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Examiner l'envoi (CGET)").click()
    # The decision screen: the report beside one comment field, required for the return.
    page.get_by_label("Commentaire ou motif du renvoi").fill("Ajoutez des exemples d'actions.")
    click(page, "Renvoyer à la préfecture")
    page.goto(report_url)
    expect(page.locator("#etat-bilan")).to_have_text("Renvoyé par le CGET")
    log_out(page, live_server)

    # The agent completes and resubmits.
    log_in(page, live_server, "agent.paqte@nord.gouv.fr")
    page.goto(report_url)
    expect(
        page.get_by_text("Renvoyé à la préfecture par le CGET, motif : Ajoutez des exemples d'actions.")
    ).to_be_visible()
    page.locator("#id_examples").fill("Forum des métiers au collège Van der Meersch")
    click(page, "Enregistrer le bilan")
    click(page, "Transmettre à nouveau au CGET")
    expect(page.locator("#etat-bilan")).to_have_text("Transmis au CGET")
    log_out(page, live_server)

    # The CGET approves.
    log_in(page, live_server, "referent.paqte@cget.gouv.fr")
    page.goto(report_url)
    click(page, "Approuver")
    expect(page.locator("#etat-bilan")).to_have_text("Approuvé par le CGET")
    assert_accessible(axe, page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    report = SemesterReport.objects.get()
    assert report.state == "approved"
    assert list(report.__class__.objects.values_list("return_comment", flat=True)) == [""]
