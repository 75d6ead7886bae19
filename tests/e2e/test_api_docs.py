"""The API's documentation pages (Swagger UI and Redoc, served from drf-spectacular-sidecar) render
their operations in a real browser under the site's Content Security Policy, with no violation."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("QUARTIERS_SHOTS", "")  # a folder: screenshots of the pages tested


# Redoc's footer shows Redocly's logo from their CDN: the CSP blocking it is the policy at work.
EXPECTED = ("https://cdn.redoc.ly/redoc/logo-mini.svg",)


def watch(page: Page) -> list[str]:
    problems: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        wrong = message.type == "error" or "Content Security Policy" in message.text
        if wrong and not any(url in message.text for url in EXPECTED):
            problems.append(message.text)

    page.on("console", listen)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_swagger_ui_renders_the_operations(live_server: LiveServer, page: Page) -> None:
    problems = watch(page)
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "'nonce-" in csp
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/renovations/").first).to_be_visible()
    assert page.locator(".opblock").count() > 10
    expect(page.locator(".info .title")).to_contain_text("API Quartiers")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/api-docs.png")
    assert not problems, "\n".join(problems)


def test_redoc_renders_the_operations(live_server: LiveServer, page: Page) -> None:
    problems = watch(page)
    response = page.goto(f"{live_server.url}/api/redoc/")
    assert response is not None and response.status == 200
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name="API Quartiers", exact=False).first).to_be_visible()
    expect(page.get_by_text("Something went wrong")).to_have_count(0)
    expect(page.locator("[data-section-id^='tag/']").first).to_be_attached()
    assert page.locator("[data-section-id*='operation/']").count() > 10
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/api-redoc.png")
    assert not problems, "\n".join(problems)
