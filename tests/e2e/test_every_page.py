"""Every GET page of the project, found by the security suite's URL walk, opened in headless
Chromium as a role that may see it: axe-core finds no violation and the browser reports no
Content Security Policy violation.

Pages added later are covered as soon as their arguments are registered in
``tests/security/urls.py`` (the walk fails otherwise)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.test import Client

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.conftest import MakeUser
from tests.security.urls import Url, seed_nord, seed_roles, url_patterns

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Who looks at a page: the first of these that gets it (the anonymous visitor for public pages).
VIEWERS = ["anonyme", "agent-59", "referent-paqte-59", "valideur-59", "referent-cget", "admin-national"]
# Django's admin is the national back office, not a DSFR page: its home, one list and one form
# are checked; the other ~100 admin URLs repeat those three templates.
ADMIN_SAMPLE = {"admin:index", "admin:accounts_user_changelist", "admin:accounts_user_change"}


def is_page(url: Url) -> bool:
    if url.is_api:
        return False  # JSON for programs; the Swagger page is a third-party UI
    return not url.is_admin or url.name in ADMIN_SAMPLE


def pages_and_viewers(users: dict[str, User | None], urls: list[Url]) -> list[tuple[Url, str]]:
    """Each HTML page with the first role that gets it with 200 (asked through Django's client)."""
    clients: dict[str, Client] = {}
    for role in VIEWERS:
        clients[role] = Client()
        user = users[role]
        if user is not None:
            clients[role].force_login(user)
    found = []
    for url in filter(is_page, urls):
        for role in VIEWERS:
            response = clients[role].get(url.path)
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                found.append((url, role))
                break
    return found


@pytest.fixture
def session_page(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[User | None], Page]]:
    contexts: list[BrowserContext] = []

    def open_as(user: User | None) -> Page:
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_every_page_is_accessible_and_respects_the_csp(
    live_server: LiveServer, session_page: Callable[[User | None], Page], axe: Axe, make_user: MakeUser
) -> None:
    users = seed_roles(make_user)
    seed = seed_nord(agent=users["agent-59"], validator=users["valideur-59"], referent=users["referent-cget"])  # type: ignore[arg-type]
    found = pages_and_viewers(users, url_patterns(seed))
    assert len(found) > 25, [url.name for url, _ in found]
    pages = {role: session_page(users[role]) for role in VIEWERS}
    violations: dict[str, list[str]] = {role: [] for role in VIEWERS}
    for role, page in pages.items():

        def listen(message: ConsoleMessage, role: str = role) -> None:
            if "Content Security Policy" in message.text:
                violations[role].append(message.text)

        page.on("console", listen)
    problems: list[str] = []
    for url, role in found:
        page = pages[role]
        violations[role].clear()
        response = page.goto(f"{live_server.url}{url.path}")
        if response is None or response.status != 200:
            problems.append(f"{url} ({role}) : statut {response.status if response else '?'}")
            continue
        page.wait_for_load_state("load")
        results = axe.run(page)
        if results.violations_count:
            problems.append(f"{url} ({role}) :\n{results.generate_report()}")
        if violations[role]:
            problems.append(f"{url} ({role}) : violation CSP : {violations[role]}")
    assert not problems, f"{len(problems)} page(s) en défaut sur {len(found)} :\n" + "\n".join(problems)
