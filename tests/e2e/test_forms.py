"""The commitments formset in a real Chromium: « Ajouter un engagement » adds a numbered row,
« Supprimer cet engagement » takes one away (a saved one is deleted on saving, a new one is taken
out and the rows after it renumbered), the draft saves them; at 375 px the form is one column,
nothing scrolls sideways and no two labels overlap. axe on each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.e2e.helpers import PASSWORD
from tests.e2e.layout import sideways_scroll
from tests.workflows.renewal.helpers import add_commitment, fresh, open_task, renewal_in
from workflows.models import Renewal, RenewalState

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/h4-forms")  # noqa: S108 (where the screenshots are looked at)

# Boxes of the labels of one row that intersect: labels running into each other.
OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('[data-formset-row]:not([hidden]) label.fr-label')]
    .map(label => [label.textContent.trim().slice(0, 30), label.getBoundingClientRect()])
    .filter(([, box]) => box.width > 0);
  const found = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, p] = boxes[i], [b, q] = boxes[j];
    const apart = p.right - 1 <= q.left || q.right - 1 <= p.left || p.bottom - 1 <= q.top || q.bottom - 1 <= p.top;
    if (!apart) found.push(a + ' / ' + b);
  }
  return found;
}"""
# Fields whose box passes the viewport's right edge.
OVERFLOWING = """() => [...document.querySelectorAll('[data-formset-row] .fr-input, [data-formset-row] .fr-select')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(el => el.name)"""


def log_in(page: Page, live_server: LiveServer, email: str) -> None:
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def rows(page: Page) -> list[str]:
    return page.locator("[data-formset-row]:not([hidden]) legend").evaluate_all(
        "nodes => nodes.map(n => n.firstChild.textContent.trim())"
    )


def fill_row(page: Page, index: int, text: str) -> None:
    prefix = f"#id_engagements-{index}-"
    page.locator(f"{prefix}party").select_option("state")
    page.locator(f"{prefix}domain").select_option("mobility")
    page.locator(f"{prefix}text").fill(text)
    page.locator(f"{prefix}indicator").fill("Fréquence de desserte")
    page.locator(f"{prefix}target_value").fill("10")
    page.locator(f"{prefix}target_year").fill("2021")
    page.locator(f"{prefix}frequency").select_option("annual")


@pytest.fixture
def negotiated(make_user: MakeUser) -> Renewal:
    agent = make_user(Role.AGENT, "59", email="agent@example.gouv.fr")
    agent.set_password(PASSWORD)
    agent.save()
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=agent)
    add_commitment(renewal)
    return renewal


def test_commitment_rows_are_added_and_removed_in_the_browser(
    live_server: LiveServer, page: Page, axe: Axe, negotiated: Renewal
) -> None:
    saved = negotiated.commitments.get()
    task = open_task(negotiated, "build_protocol")
    log_in(page, live_server, "agent@example.gouv.fr")
    page.goto(f"{live_server.url}/circuits/{task.process_id}/taches/{task.pk}/")
    # With the script, no blank row: the saved commitment and the « Ajouter » button.
    assert rows(page) == ["Engagement 1"]
    expect(page.locator("[name='engagements-TOTAL_FORMS']")).to_have_value("1")
    add = page.get_by_role("button", name="Ajouter un engagement")
    add.click()
    add.click()
    assert rows(page) == ["Engagement 1", "Engagement 2", "Engagement 3"]
    expect(page.locator("[name='engagements-TOTAL_FORMS']")).to_have_value("3")
    expect(page.locator("#id_engagements-2-party")).to_be_focused()
    fill_row(page, 1, "Ligne retirée avant l'envoi")
    fill_row(page, 2, "Desserte du quartier toutes les 10 minutes")
    assert_accessible(axe, page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "e2e-formset-added-1280.png"), full_page=True)

    # The new second row goes: the third becomes the second (index 1), the count follows.
    page.locator("[data-formset-row]").nth(1).get_by_role("button", name="Supprimer cet engagement").click()
    assert rows(page) == ["Engagement 1", "Engagement 2"]
    expect(page.locator("[name='engagements-TOTAL_FORMS']")).to_have_value("2")
    expect(page.locator("#id_engagements-1-text")).to_have_value("Desserte du quartier toutes les 10 minutes")
    # The saved one is marked for deletion and hidden.
    page.locator("[data-formset-row]").first.get_by_role("button", name="Supprimer cet engagement").click()
    assert rows(page) == ["Engagement 1"]
    assert page.locator("#id_engagements-0-DELETE").is_checked()

    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Le brouillon est enregistré")).to_be_visible()
    texts = list(fresh(negotiated).commitments.values_list("text", flat=True))
    assert texts == ["Desserte du quartier toutes les 10 minutes"]
    assert not fresh(negotiated).commitments.filter(pk=saved.pk).exists()
    assert fresh(negotiated).state == RenewalState.NEGOTIATION  # a draft runs no transition


def test_without_javascript_a_blank_row_adds_a_commitment(
    live_server: LiveServer, browser: Browser, negotiated: Renewal
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        log_in(page, live_server, "agent@example.gouv.fr")
        page.goto(f"{live_server.url}/renovations/{negotiated.pk}/engagements/")
        assert rows(page) == ["Engagement 1", "Nouvel engagement"]
        expect(page.get_by_label("Supprimer cet engagement")).to_have_count(1)  # the saved row only
        fill_row(page, 1, "Ajout sans JavaScript")
        page.get_by_role("button", name="Enregistrer les engagements").click()
        expect(page.get_by_text("Les engagements sont enregistrés.")).to_be_visible()
        assert fresh(negotiated).commitments.count() == 2
    finally:
        context.close()


def test_the_commitments_form_fits_a_phone(live_server: LiveServer, page: Page, axe: Axe, negotiated: Renewal) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_server, "agent@example.gouv.fr")
    page.goto(f"{live_server.url}/renovations/{negotiated.pk}/engagements/")
    page.get_by_role("button", name="Ajouter un engagement").click()
    assert sideways_scroll(page) == ""
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate(OVERLAPS) == []
    # One column: the party and the other signatory's name are one above the other.
    party = page.locator("#id_engagements-0-party").bounding_box()
    name = page.locator("#id_engagements-0-party_name").bounding_box()
    assert party and name and name["y"] > party["y"] + party["height"] - 1
    assert_accessible(axe, page)
    page.screenshot(path=str(SHOTS / "e2e-formset-375.png"), full_page=True)
    # At 1280 px two columns, and still no label running into another.
    page.set_viewport_size({"width": 1280, "height": 900})
    party = page.locator("#id_engagements-0-party").bounding_box()
    name = page.locator("#id_engagements-0-party_name").bounding_box()
    assert party and name and abs(name["y"] - party["y"]) < 40 and name["x"] > party["x"]
    assert page.evaluate(OVERLAPS) == []
