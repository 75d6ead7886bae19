"""A case's messages and notes in a real browser: the agent answers a CGET return in the thread
and writes a note; the CGET reads the thread, never the note; the panel fits 375 px and passes
axe-core (screenshots at 1280 and 375 px in /tmp/shots/h7-notes/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.layout import sideways_scroll
from tests.e2e.test_shell import PASSWORD, log_in
from tests.workflows.renewal.helpers import open_task, renewal_in
from workflows.models import RenewalState
from workflows.renewal.services import renewal_task_complete

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/h7-notes")  # noqa: S108 (where the screenshots are looked at)
REASON = "Les engagements de l'État sur l'emploi manquent de cibles chiffrées."


def test_the_thread_and_the_notes_of_a_case(
    live_server: LiveServer, page: Page, browser: Browser, axe: Axe, make_user: MakeUser
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    agent = make_user(Role.AGENT, "59", email="agent.echanges@example.gouv.fr")
    validator = make_user(Role.PREFECT_VALIDATOR, "59")
    cget = make_user(Role.CGET_REFERENT, email="cget.echanges@example.gouv.fr")
    for user in (agent, cget):
        user.set_password(PASSWORD)
        user.save()
    renewal = renewal_in(RenewalState.CGET_REVIEW, agent=agent, validator=validator, referent=cget)
    renewal_task_complete(
        task_pk=open_task(renewal, "review").pk, user=cget, transition="return_to_prefecture", comment=REASON
    )

    log_in(page, live_server, "agent.echanges@example.gouv.fr")
    page.goto(f"{live_server.url}/renovations/{renewal.pk}/")
    thread = page.locator("#echanges")
    expect(thread.get_by_text(REASON)).to_be_visible()  # the return's reason opens the thread
    page.locator("#id_message_texte").fill("Cibles ajoutées : 120 jeunes accompagnés vers l'emploi d'ici 2020.")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_text("Votre message est envoyé.")).to_be_visible()
    page.locator("#id_note_texte").fill("Le maire hésite : ne pas relancer avant le conseil municipal.")
    page.get_by_role("button", name="Enregistrer la note").click()
    expect(page.get_by_text("Votre note est enregistrée.")).to_be_visible()
    expect(thread.get_by_text("ne pas relancer avant le conseil municipal")).to_be_visible()
    assert_accessible(axe, page)
    thread.screenshot(path=str(SHOTS / "e2e-agent-1280.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    assert sideways_scroll(page) == ""
    thread.screenshot(path=str(SHOTS / "e2e-agent-375.png"))

    other = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(other, live_server, "cget.echanges@example.gouv.fr")
    other.goto(f"{live_server.url}/renovations/{renewal.pk}/")
    panel = other.locator("#echanges")
    expect(panel.get_by_text("120 jeunes accompagnés")).to_be_visible()
    expect(panel.get_by_role("heading", name="Écrire à la préfecture")).to_be_visible()
    assert other.get_by_text("ne pas relancer").count() == 0  # the note never reaches the CGET
    assert other.get_by_text("Notes internes").count() == 0
    assert_accessible(axe, other)
    panel.screenshot(path=str(SHOTS / "e2e-cget-1280.png"))
    other.close()
