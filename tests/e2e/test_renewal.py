"""A whole renovation in a real headless Chromium against the running app: an agent
launches and works the case, the valideur validates, a référent CGET returns it once with a
comment, the agent resubmits, the CGET approves, the agent records the signature. Every page
visited passes axe-core."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from reference.models import CityContract
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD
from tests.workflows.renewal.helpers import PDF

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF_FILE: FilePayload = {"name": "document.pdf", "mimeType": "application/pdf", "buffer": PDF}
SIGNED_FILE: FilePayload = {"name": "protocole-signe.pdf", "mimeType": "application/pdf", "buffer": PDF}


def log_in(page: Page, live_server: LiveServer, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def open_task_from_case(page: Page, axe: Axe, title: str) -> None:
    expect(page.get_by_text(title).first).to_be_visible()
    page.get_by_role("link", name="Traiter la tâche").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(axe, page)


def open_task_from_queue(page: Page, live_server: LiveServer, axe: Axe, title: str) -> None:
    page.goto(f"{live_server.url}/taches/file/")
    assert_accessible(axe, page)
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(axe, page)


def submit(page: Page, button: str | None = None) -> None:
    """The task page's button: the transition table's label (one per decision)."""
    if button is None:  # the task's own button, before « Enregistrer le brouillon »
        page.locator("#content form button[type=submit]:not([name=brouillon])").last.click()
    else:
        page.get_by_role("button", name=button).click()
    expect(page.get_by_text("est terminée")).to_be_visible()


def test_whole_renovation_in_the_browser(live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser) -> None:
    users = {
        "agent": make_user(Role.AGENT, "59", email="agent@example.gouv.fr"),
        "valideur": make_user(Role.PREFECT_VALIDATOR, "59", email="valideur@example.gouv.fr"),
        "cget": make_user(Role.CGET_REFERENT, email="cget@example.gouv.fr"),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    contract = CityContract.objects.filter(department__code="59").order_by("code").first()
    assert contract is not None

    # The agent launches the renovation from the département's table.
    log_in(page, live_server, "agent@example.gouv.fr")
    page.goto(f"{live_server.url}/departements/59/renovations/")
    assert_accessible(axe, page)
    page.get_by_role("button", name=f"Lancer la rénovation de {contract.code}").click()
    expect(page.get_by_text("La rénovation est lancée")).to_be_visible()
    expect(page.get_by_text("Étape 1 sur 6")).to_be_visible()
    assert_accessible(axe, page)

    # Mid-term evaluation.
    open_task_from_case(page, axe, "Enregistrer l'évaluation à mi-parcours")
    page.get_by_label("Date de l'évaluation").fill("2019-03-01")
    page.get_by_label("Ce qui fonctionne").fill("La réussite éducative.")
    page.get_by_label("Ce qui doit être amélioré").fill("L'emploi des jeunes.")
    page.get_by_label("Date de consultation des conseils citoyens").fill("2019-02-20")
    page.get_by_label("Conseils citoyens consultés").fill("Lille-Sud, Moulins")
    page.get_by_label("Document d'évaluation").set_input_files(PDF_FILE)
    submit(page)
    expect(page.get_by_text("Étape 2 sur 6")).to_be_visible()

    # Protocol with one commitment.
    open_task_from_case(page, axe, "Construire le protocole d'engagements")
    page.get_by_label("Volet enfance et soutien à la parentalité").fill("Lieux d'accueil parents-enfants.")
    page.get_by_label("Signataires du protocole").fill("Préfet du Nord, président de la MEL")
    page.locator("#id_engagements-0-party").select_option("epci")
    page.locator("#id_engagements-0-domain").select_option("economy_employment")
    page.locator("#id_engagements-0-text").fill("Locaux d'activité en pied d'immeuble")
    page.locator("#id_engagements-0-indicator").fill("Commerces créés")
    page.locator("#id_engagements-0-target_value").fill("20")
    page.locator("#id_engagements-0-target_year").fill("2021")
    page.locator("#id_engagements-0-frequency").select_option("annual")
    submit(page)

    # The valideur validates; the CGET returns it with a comment.
    log_in(page, live_server, "valideur@example.gouv.fr")
    open_task_from_queue(page, live_server, axe, "Valider le protocole (préfet)")
    expect(page.get_by_role("heading", name="Évaluation à mi-parcours")).to_be_visible()  # the dossier beside
    submit(page, "Valider le protocole et le transmettre au CGET")
    log_in(page, live_server, "cget@example.gouv.fr")
    page.goto(f"{live_server.url}/renovations/revue-cget/")
    assert_accessible(axe, page)
    page.get_by_role("link", name="Revue du CGET").click()
    assert_accessible(axe, page)
    page.get_by_label("Commentaire ou motif du renvoi").fill("Ajoutez un engagement sur la mobilité.")
    submit(page, "Renvoyer à la préfecture")

    # The agent sees the comment, adds a commitment and resubmits.
    log_in(page, live_server, "agent@example.gouv.fr")
    open_task_from_queue(page, live_server, axe, "Construire le protocole d'engagements")
    expect(page.get_by_text("Ajoutez un engagement sur la mobilité.")).to_be_visible()
    page.get_by_role("button", name="Ajouter un engagement").click()
    page.locator("#id_engagements-1-party").select_option("state")
    page.locator("#id_engagements-1-domain").select_option("mobility")
    page.locator("#id_engagements-1-text").fill("Desserte du quartier toutes les 10 minutes")
    page.locator("#id_engagements-1-indicator").fill("Fréquence de desserte")
    page.locator("#id_engagements-1-target_value").fill("10 min")
    page.locator("#id_engagements-1-target_year").fill("2020")
    page.locator("#id_engagements-1-frequency").select_option("semestrial")
    submit(page)

    log_in(page, live_server, "valideur@example.gouv.fr")
    open_task_from_queue(page, live_server, axe, "Valider le protocole (préfet)")
    expect(page.get_by_role("heading", name="Évaluation à mi-parcours")).to_be_visible()  # the dossier beside
    submit(page, "Valider le protocole et le transmettre au CGET")
    log_in(page, live_server, "cget@example.gouv.fr")
    open_task_from_queue(page, live_server, axe, "Revue du CGET")
    expect(page.get_by_text("Ajoutez un engagement sur la mobilité.").first).to_be_visible()  # the earlier return
    submit(page, "Approuver le protocole")

    # The agent records the signature.
    log_in(page, live_server, "agent@example.gouv.fr")
    open_task_from_queue(page, live_server, axe, "Enregistrer la signature")
    page.get_by_label("Date de signature").fill("2019-07-15")
    page.get_by_label("Signataires ayant signé").fill("Préfet du Nord, président de la MEL")
    page.get_by_label("Protocole signé (PDF)").set_input_files(SIGNED_FILE)
    submit(page)
    expect(page.get_by_text("Étape 6 sur 6")).to_be_visible()
    expect(page.get_by_text("Signée dans les temps")).to_be_visible()
    expect(page.get_by_text("Desserte du quartier toutes les 10 minutes")).to_be_visible()
    assert_accessible(axe, page)
