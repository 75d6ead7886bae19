"""The « Signataires » section of a renovation in a real browser: the agent adds a party (a wrong
address first: the French error keeps what he typed; « Signature obligatoire » says what it means),
records a signature with its signed page (downloaded back from the table), and the section, the
forms and the timeline fit 375 px and pass axe-core (screenshots at 1280 and 375 px in
/tmp/shots/parties/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.layout import sideways_scroll
from tests.e2e.test_shell import PASSWORD, log_in
from tests.factories.renewal import RenewalFactory
from tests.workflows.renewal.helpers import PDF
from workflows.cases.parties import Party
from workflows.cases.party_services import party_add, party_request
from workflows.models import RenewalState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/parties")  # noqa: S108 (where the screenshots are looked at)


def shoot(page: Page, name: str, selector: str = "main") -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        assert sideways_scroll(page) == "", f"{name} à {width} px"
        page.locator(selector).first.screenshot(path=str(SHOTS / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_agent_adds_a_party_and_records_its_signature(
    live_server: LiveServer, page: Page, axe: Axe, make_user: MakeUser
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    agent = make_user(Role.AGENT, "59", email="agent.signataires@example.gouv.fr", first_name="Amina")
    agent.set_password(PASSWORD)
    agent.save()
    renewal = RenewalFactory.create(state=RenewalState.SIGNATURE)
    for role, name, email in [
        (Party.Role.PREFECT, "Préfet du Nord", "prefet@nord.gouv.fr"),
        (Party.Role.EPCI_PRESIDENT, "Président de la Métropole européenne de Lille", "president@lillemetropole.fr"),
        (Party.Role.MAYOR, "Maire de Roubaix", "maire@ville-roubaix.fr"),
    ]:
        party = party_add(case=renewal, user=agent, role=role, name=name, contact_email=email)
    party_request(party=party, user=agent, on=dt.date(2019, 6, 3))

    log_in(page, live_server, "agent.signataires@example.gouv.fr")
    page.goto(f"{live_server.url}/renovations/{renewal.pk}/")
    section = page.locator("#signataires")
    expect(section.get_by_role("cell", name="Maire – Maire de Roubaix")).to_be_visible()
    shoot(page, "section", "#signataires")

    section.get_by_role("link", name="Ajouter un signataire").click()
    expect(page.get_by_text("Le dossier n'est signé que lorsque chaque signataire obligatoire")).to_be_visible()
    page.get_by_label("Qualité").select_option("ars")
    page.get_by_label("Nom").fill("ARS Hauts-de-France")
    page.get_by_label("Adresse électronique du contact").fill(
        "contact@ars"
    )  # the browser accepts it, the server does not
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Rien n'a été enregistré")).to_be_visible()
    expect(page.get_by_label("Nom")).to_have_value("ARS Hauts-de-France")
    assert_accessible(axe, page)
    shoot(page, "form-add-error")
    page.get_by_label("Adresse électronique du contact").fill("contact@ars.sante.fr")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Signataire ajouté : Agence régionale de santé – ARS Hauts-de-France.")).to_be_visible()

    section.get_by_role("link", name="Mettre à jour : Maire de Roubaix").click()
    page.get_by_text("Signée", exact=True).click()
    page.get_by_label("Date").fill("2019-07-01")
    page.locator("input[type=file]").set_input_files(
        files=FilePayload(name="page-signee-roubaix.pdf", mimeType="application/pdf", buffer=PDF)
    )
    assert_accessible(axe, page)
    shoot(page, "form-state")
    page.get_by_role("button", name="Enregistrer").click()
    expect(section.get_by_text("page-signee-roubaix.pdf")).to_be_visible()
    assert_accessible(axe, page)
    shoot(page, "section-after", "#signataires")
    expect(page.get_by_text("Signature enregistrée")).to_be_visible()  # the timeline
    with page.expect_download() as download:
        section.get_by_role("link", name="page-signee-roubaix.pdf : page signée de Maire de Roubaix (PDF)").click()
    assert download.value.suggested_filename == "page-signee-roubaix.pdf"
