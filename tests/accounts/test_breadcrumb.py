"""The breadcrumb of every page (DSFR fr-breadcrumb), from « Accueil », written once in base.html
(``accounts/templatetags/site_nav.py``)."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.test import Client

import pytest

from accounts.models import Role
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


def crumbs(html: str) -> list[str]:
    nav = re.search(r'<nav role="navigation" class="fr-breadcrumb".*?</nav>', html, re.S)
    assert nav, "pas de fil d'Ariane"
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<a [^>]*>(.*?)</a>", nav[0], re.S)]


def test_a_page_s_trail_starts_at_home_and_ends_on_its_title() -> None:
    child = Template(
        '{% extends "base.html" %}{% block breadcrumb_links %}'
        '{% crumb "Départements" "reference:department_list" %}{% crumb "Nord (59)" "/departements/59/" %}'
        "{% endblock %}"
    )
    html = child.render(Context({"title": "Contrat d'Ostrevent"}))
    assert crumbs(html) == ["Accueil", "Départements", "Nord (59)", "Contrat d&#x27;Ostrevent"]
    assert 'href="/"' in html and 'href="/departements/"' in html and 'aria-current="page"' in html


def test_no_title_no_breadcrumb() -> None:
    assert "fr-breadcrumb" not in Template('{% extends "base.html" %}').render(Context({}))


def test_pages_say_where_they_are(make_user: MakeUser, client: Client) -> None:
    assert crumbs(client.get("/accessibilite/").content.decode()) == ["Accueil", "Accessibilité"]
    client.force_login(make_user(Role.AGENT, "59"))
    response = client.get("/departements/59/")
    assert response.status_code == 200, response
    assert crumbs(response.content.decode())[:2] == ["Accueil", "Départements"]
