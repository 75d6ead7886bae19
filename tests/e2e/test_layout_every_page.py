"""Every HTML page of the URL walk, for each role that may open it, in headless Chromium at
375 px (a phone): nothing scrolls the page sideways (``layout.sideways_scroll``: wide tables
scroll inside their fr-table container, export buttons and the header's user line wrap), the
breadcrumb starts at « Accueil » and the footer carries the DSFR's mandatory links (about 200 pages,
four to seven minutes)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from tests.conftest import MakeUser
from tests.e2e.layout import sideways_scroll
from tests.e2e.test_every_page import is_page, session_page  # noqa: F401 (the fixture)
from tests.security.urls import Url, seed_nord, seed_roles, url_patterns

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FOOTER = [
    "Plan du site",
    "Accessibilité : non conforme",
    "Mentions légales",
    "Données personnelles",
    "Gestion des cookies",
]


def pages_of(user: User | None, urls: list[Url]) -> list[Url]:
    """The HTML pages ``user`` gets with 200 (asked through Django's client)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    found = []
    for url in filter(is_page, urls):
        response = client.get(url.path)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            found.append(url)
    return found


def test_no_page_scrolls_sideways_on_a_phone_and_every_page_has_its_breadcrumb_and_footer_links(
    live_server: LiveServer,
    session_page: Callable[[User | None], Page],  # noqa: F811 (test_every_page's fixture)
    make_user: MakeUser,
) -> None:
    users = seed_roles(make_user)
    seed = seed_nord(agent=users["agent-59"], validator=users["valideur-59"], referent=users["referent-cget"])  # type: ignore[arg-type]
    urls = url_patterns(seed)
    problems: list[str] = []
    measured = 0
    for role, user in users.items():
        page = session_page(user)
        page.set_viewport_size({"width": 375, "height": 800})
        for url in pages_of(user, urls):
            if url.is_admin:
                continue  # Django's admin is the national back office, not a DSFR page
            response = page.goto(f"{live_server.url}{url.path}")
            if response is None or response.status != 200:
                problems.append(f"{url} ({role}) : statut {response.status if response else '?'}")
                continue
            page.wait_for_load_state("load")
            measured += 1
            overflow = sideways_scroll(page)
            if overflow:
                problems.append(f"{url} ({role}) : {overflow}")
            crumbs = page.locator(".fr-breadcrumb__list > li").all_text_contents()
            if not crumbs or crumbs[0].strip() != "Accueil":
                problems.append(f"{url} ({role}) : fil d'Ariane {crumbs}")
            footer = page.locator("#footer .fr-footer__bottom-link").all_inner_texts()
            if [text.strip() for text in footer] != FOOTER:
                problems.append(f"{url} ({role}) : pied de page {footer}")
    assert measured > 100, measured
    assert not problems, f"{len(problems)} défaut(s) sur {measured} mesures :\n" + "\n".join(problems)
