"""The login page's DSFR password component in a real browser: « Afficher » shows the password;
the « Mot de passe oublié ? » link leads to its page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_password_shows_and_the_reset_link_leads_to_its_page(live_server: LiveServer, page: Page) -> None:
    page.goto(f"{live_server.url}/connexion/")
    field = page.get_by_label("Mot de passe", exact=True)
    field.fill("secret")
    assert field.get_attribute("type") == "password"
    page.locator("label[for=mot-de-passe-afficher]").click()  # the DSFR box is drawn by its label
    expect(field).to_have_attribute("type", "text")
    shots = os.environ.get("QUARTIERS_SHOTS")
    if shots:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{shots}/login-{width}.png", full_page=True)
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
