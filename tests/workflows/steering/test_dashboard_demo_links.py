"""The dashboard on the living 2019 campaign (``seed_demo``, ``demo_campaign``), for a national
administrator, a CGET référent and a Nord agent, with no filter, a région's, a département's and
both: every number that links to a list (the table, the charts' data, the deadline table) lists
as many cases, a région's subtotal under a département filter counting that département alone;
the early warning's « Voir les tâches à risque » keeps the dashboard's filter (a région's is one
link, the inbox's ``?region=``) and lists as many tasks as the dashboard's count."""

from __future__ import annotations

import html
import io
import re

from django.core.management import call_command
from django.test import Client, override_settings

import pytest

from accounts.models import Role, User
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'<a class="fr-link quartiers-figure" href="([^"]+)" data-figure="[a-z0-9-]+">(\d+)[^<]*</a>')
RISK = re.compile(r'<a href="(/taches/[^"]+)" class="quartiers-risk-link" data-count="(\d+)"')
FLAGGED = re.compile(r'fr-badge--warning">(\d+) à risque')
SEEDED = ("59", "62")  # the départements the demo campaign fills


def _checked(url: str) -> bool:
    """Every total and région's list, and the lists of the départements the campaign fills (the
    hundred others' are zeros of the same code, read once per figure in their région's)."""
    department = re.search(r"departement=(\w+)", url)
    return department is None or department.group(1) in SEEDED


def test_every_count_of_the_dashboard_is_what_its_list_shows_on_the_demo_campaign() -> None:
    from workflows.management.commands.demo_campaign import DEMO

    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("demo_campaign", stdout=io.StringIO())
    seen_risk: dict[str, list[int]] = {}
    for name in ("admin.national", "referent.cget", "agent.nord"):
        client = Client()
        client.force_login(User.objects.get(email=f"{name}{DEMO}"))
        for query in ("", "?region=32", "?region=11", "?departement=59", "?region=32&departement=62"):
            if name == "agent.nord" and "62" in query:
                continue
            page = client.get(f"/pilotage/tableau-de-bord/{query}")
            assert page.status_code == 200, query
            text = page.content.decode()

            listed: dict[str, int] = {}
            for raw, value in FIGURE.findall(text):
                url = html.unescape(raw)
                if not _checked(url):
                    continue
                if url not in listed:
                    response = client.get(url)
                    assert response.status_code == 200, url
                    listed[url] = len(response.context["items"])
                assert listed[url] == int(value), (name, query, url, value, listed[url])
            assert listed, (name, query)

            flagged = FLAGGED.search(text)
            count = int(flagged.group(1)) if flagged else 0
            links = [(html.unescape(raw), int(value)) for raw, value in RISK.findall(text)]
            assert len(links) == (1 if count else 0), (name, query, links)
            for url, value in links:
                assert value == count, (name, query, links)
                # the inbox honours the filter the link carries: the dashboard's département, else its région
                if "departement=" in query:
                    assert f"departement={query[-2:]}" in url and "region=" not in url, (query, url)
                elif "region=" in query:
                    assert f"region={query[-2:]}" in url and "departement=" not in url, (query, url)
                else:
                    assert "region=" not in url and "departement=" not in url, (query, url)
                rows = client.get(url)
                assert rows.status_code == 200
                assert rows.context["paginator"].count == value, (name, query, url)
                assert all(row.department.code in SEEDED for row in rows.context["rows"])
            seen_risk[f"{name}{query}"] = [value for _url, value in links]
    # The campaign flags renovations in both départements: the région's one link lists both, its
    # count theirs; the Nord agent's région link lists his département's alone (his scope).
    national = seen_risk["admin.national?region=32"]
    assert national == seen_risk["referent.cget?region=32"] == seen_risk["admin.national"]
    assert len(national) == 1 and national[0] > 0
    nord = seen_risk["admin.national?departement=59"]
    pas_de_calais = seen_risk["admin.national?region=32&departement=62"]
    assert national[0] == nord[0] + pas_de_calais[0]
    assert seen_risk["agent.nord?region=32"] == seen_risk["agent.nord?departement=59"] == seen_risk["agent.nord"]
    assert seen_risk["admin.national?region=11"] == []
    # A département filter's subtotal is that département's: the list of ?region=32&departement=62.
    client = Client()
    client.force_login(User.objects.get(email=f"referent.cget{DEMO}"))
    text = client.get("/pilotage/tableau-de-bord/?departement=62").content.decode()
    assert (
        "?region=32&amp;departement=62" in text
        and 'href="/pilotage/tableau-de-bord/chiffres/contrats/?region=32"' not in text
    )


def test_an_empty_list_says_why_it_is_empty(make_user: MakeUser) -> None:
    client = Client()
    client.force_login(make_user(Role.CGET_REFERENT))
    response = client.get("/pilotage/tableau-de-bord/chiffres/conventions-signees/?region=32")
    assert response.status_code == 200 and response.context["items"] == []
    text = response.content.decode()
    assert 'id="liste-vide"' in text
    assert "Le chiffre vaut 0 : aucun dossier ne remplit ce critère (Hauts-de-France" in text
