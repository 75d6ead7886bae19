"""The header's main menu and the footer, on every page: each role's entries, the current page
marked, the counts beside « Mes tâches » and « File d'attente »."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

from django.test import Client

import pytest

from accounts.models import Role

pytestmark = pytest.mark.django_db


def menu_of(client: Client, url: str) -> list[tuple[str, bool]]:
    """The menu's entries of the page: (label, marked as the current page)."""
    body = client.get(url).content.decode()
    nav = re.search(r'<nav role="navigation" class="fr-nav" id="navigation-principale".*?</nav>', body, re.S)
    assert nav is not None, "no main menu"
    entries = re.findall(r'<a class="fr-nav__link" href="[^"]+"( aria-current="page")?>([^<]+)', nav.group(0))
    return [(unescape(label.split("&nbsp;")[0]).strip(), bool(current)) for current, label in entries]


def test_an_agent_sees_his_entries_and_the_page_he_is_on(client_for: Callable[..., Client]) -> None:
    client = client_for(Role.AGENT, "59")
    assert menu_of(client, "/taches/file/") == [
        ("Mes tâches", False),
        ("File d'attente", True),
        ("Départements", False),
        ("PAQTE", False),
        ("Pilotage", False),
        ("Tableau de bord", False),
        ("Les 40 mesures", False),
        ("Échéances", False),
    ]
    assert ("Mes tâches", True) in menu_of(client, "/taches/tous/")
    assert ("PAQTE", True) in menu_of(client, "/paqte/")
    assert ("Départements", True) in menu_of(client, "/departements/59/")
    # The dashboard is « Tableau de bord », not « Pilotage » too.
    menu = menu_of(client, "/pilotage/tableau-de-bord/")
    assert ("Tableau de bord", True) in menu and ("Pilotage", False) in menu


def test_the_counts_beside_the_inbox_entries(client_for: Callable[..., Client]) -> None:
    body = client_for(Role.AGENT, "59").get("/taches/").content.decode()
    assert re.search(
        r'Mes tâches&nbsp;<span class="fr-badge fr-badge--sm fr-badge--blue-france">'
        r'<span class="fr-sr-only">à traiter :</span>\d+</span>',
        body,
    )
    assert re.search(
        r'File d&#x27;attente&nbsp;<span class="fr-badge fr-badge--sm">'
        r'<span class="fr-sr-only">en attente :</span>\d+</span>',
        body,
    )


def test_the_cget_has_its_review_and_no_departement_queue(client_for: Callable[..., Client]) -> None:
    labels = [label for label, _ in menu_of(client_for(Role.CGET_REFERENT), "/taches/revue-cget/")]
    assert "Revue CGET" in labels and "File d'attente" not in labels
    assert ("Revue CGET", True) in menu_of(client_for(Role.CGET_REFERENT), "/taches/revue-cget/")


def test_no_menu_signed_out_and_the_same_footer_everywhere(client: Client, client_for: Callable[..., Client]) -> None:
    body = client.get("/connexion/").content.decode()
    assert "navigation-principale" not in body
    footers = {
        re.search(r'<footer class="fr-footer".*?</footer>', page, re.S).group(0)  # type: ignore[union-attr]
        for page in (body, client_for(Role.AGENT, "59").get("/taches/").content.decode())
    }
    assert len(footers) == 1
    footer = footers.pop()
    for link in ("Plan du site", "Accessibilité : non conforme", "Mentions légales", "Données personnelles"):
        assert link in footer


def test_the_header_tools_of_each_role(client: Client, make_user: Callable[..., Any]) -> None:
    agent = make_user(Role.AGENT, "59", first_name="Inès", last_name="Lefèvre")
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(agent)
    body = signed_in.get("/taches/").content.decode()
    assert re.search(r'id="utilisateur-courant">Inès Lefèvre · Agent de préfecture · Préfecture[^<]*</span>', body), (
        "who is signed in"
    )
    assert 'id="avis">Avis&nbsp;<span class="fr-badge fr-badge--sm " aria-hidden="true">0</span>' in body
    assert "Administration" not in body
    token = re.search(
        r'<form method="post" action="/deconnexion/"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        body,
    )
    assert token is not None, "the logout form carries its CSRF token"
    assert signed_in.post("/deconnexion/", {"csrfmiddlewaretoken": token.group(1)}).status_code == 302
    assert "utilisateur-courant" not in signed_in.get("/connexion/").content.decode()
    staff = Client()
    staff.force_login(make_user(Role.NATIONAL_ADMIN, is_staff=True))
    assert 'href="/admin/">Administration</a>' in staff.get("/taches/").content.decode()
    assert 'fr-icon-lock-line" href="/connexion/">Se connecter</a>' in client.get("/connexion/").content.decode()
