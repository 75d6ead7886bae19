"""Keyboard only: Tab reaches every control
of the inbox and of a task form in order, each focused control shows its focus, and the CGET's
review form is filled and submitted without the mouse."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.test import Client

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role, User
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import open_task, renewal_in
from workflows.models import RenewalState
from workflows.renewal.services import renewal_task_assign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Every control a keyboard user must be able to reach inside the page's main content.
CONTROLS = "#content a[href], #content button, #content input:not([type=hidden]), #content select, #content textarea"
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
  const before = label ? getComputedStyle(label, '::before') : null;
  return {
    key: el.id || el.getAttribute('href') || el.getAttribute('name') || el.textContent.trim(),
    inContent: !!el.closest('#content'),
    type: el.getAttribute('type') || el.tagName.toLowerCase(),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    labelOutline: !!before && before.outlineStyle !== 'none' && parseFloat(before.outlineWidth) > 0,
  };
}"""
KEYS = """() => Array.from(document.querySelectorAll(arguments_selector))
  .filter(el => !el.disabled && (el.offsetParent !== null || el.type === 'radio'))
  // A closed disclosure (DSFR collapse) hides its controls until its button, itself reached, opens it.
  .filter(el => !el.closest('.fr-collapse:not(.fr-collapse--expanded)'))
  .map(el => el.id || el.getAttribute('href') || el.getAttribute('name') || el.textContent.trim())"""


def log_in_as(page: Page, live_server: LiveServer, user: User) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def tab_through(page: Page, limit: int = 250) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until focus leaves the page or comes back."""
    page.locator("body").focus()
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (seen and focused["key"] == seen[0]["key"]):
            break
        seen.append(focused)
    return seen


def controls(page: Page) -> list[str]:
    return page.evaluate(KEYS.replace("arguments_selector", repr(CONTROLS)))


def radio_group(key: str) -> str:
    """The group of a radio's id: « id_decision_0 » → « id_decision », « vue-partage-private » → « vue-partage »."""
    return re.split(r"[-_](?=[^-_]*$)", str(key))[0]


def assert_keyboard_reaches_everything(page: Page) -> list[dict[str, Any]]:
    focused = tab_through(page)
    reached = {item["key"] for item in focused}
    expected = controls(page)
    # A radio group is one Tab stop (the arrows move inside it): one reached radio covers its group.
    groups = {radio_group(item["key"]) for item in focused if item["type"] == "radio"}
    missing = [key for key in expected if key not in reached and radio_group(key) not in groups]
    assert not missing, f"{page.url} : jamais atteints au clavier : {missing}"
    invisible = [item["key"] for item in focused if item["inContent"] and not (item["outline"] or item["labelOutline"])]
    assert not invisible, f"{page.url} : focus non visible sur {invisible}"
    return focused


def test_inbox_and_task_form_with_the_keyboard_only(live_server: LiveServer, page: Page, make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    validator = make_user(Role.PREFECT_VALIDATOR, "59")
    cget = make_user(Role.CGET_REFERENT)
    evaluation = renewal_in(RenewalState.EVALUATION, agent=agent, validator=validator, referent=cget)
    renewal_task_assign(task_pk=open_task(evaluation, "evaluate").pk, user=agent)  # in "Mes tâches"
    reviewed = renewal_in(RenewalState.CGET_REVIEW, agent=agent, validator=validator, referent=cget, contract_index=1)
    task = open_task(reviewed, "review")

    # The agent's inbox: every link and button is reached, in order, with a visible focus.
    log_in_as(page, live_server, agent)
    page.goto(f"{live_server.url}/taches/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tâches")
    focused = assert_keyboard_reaches_everything(page)
    assert focused[0]["key"] == "#content"  # the first Tab stop is the skip link to the content
    assert any(str(item["key"]).startswith("/circuits/") for item in focused)  # the task's link
    # « Enregistrer cette vue » is a disclosure: Enter on its button opens it, then Tab reaches its fields.
    disclosure = page.get_by_role("button", name="Enregistrer cette vue")
    assert "Enregistrer cette vue" in {item["key"] for item in focused}
    disclosure.focus()
    page.keyboard.press("Enter")
    expect(disclosure).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#vue-nom")).to_be_visible()
    inside = page.evaluate(KEYS.replace("arguments_selector", repr("#enregistrer-vue input, #enregistrer-vue button")))
    assert inside == ["vue-nom", "vue-partage-private", "vue-partage-department", "Enregistrer la vue"]
    reached = []
    for _ in range(len(inside)):  # one Tab stop per field; the radio group is one
        page.keyboard.press("Tab")
        reached.append(page.evaluate(FOCUSED)["key"])
    assert reached[:3] == ["vue-nom", "vue-partage-private", "Enregistrer la vue"], reached
    # Opening a task from the keyboard: focus its link, Enter.
    link = page.locator("#content a[href^='/circuits/']").first
    href = link.get_attribute("href")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{href}")

    # The CGET's review form, keyboard only: choose "return", explain, submit with Enter.
    page.context.clear_cookies()
    log_in_as(page, live_server, cget)
    page.goto(f"{live_server.url}/circuits/{task.process_id}/taches/{task.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revue du CGET")
    assert_keyboard_reaches_everything(page)
    page.locator("body").focus()
    for _ in range(250):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "id_comment":
            break
    page.keyboard.type("Ajoutez un engagement sur la mobilité.")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Approuver le protocole"
    page.keyboard.press("Tab")  # the second decision: return to the prefecture
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Renvoyer à la préfecture"
    page.keyboard.press("Enter")
    expect(page.get_by_text("est terminée")).to_be_visible()
