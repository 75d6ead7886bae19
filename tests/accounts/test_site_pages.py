"""The footer's mandatory pages (DSFR): mentions légales, données personnelles, gestion des
cookies, plan du site, beside the accessibility statement; the plan lists, for each role,
exactly the pages without arguments of the URL conf that role may open."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client
from django.urls import get_resolver

import pytest

from accounts.models import User
from tests.conftest import MakeUser
from tests.security.urls import _walk, seed_roles

pytestmark = pytest.mark.django_db

FOOTER = ["/plan-du-site/", "/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/cookies/"]


def test_every_page_s_footer_has_the_mandatory_links(client: Client, make_user: MakeUser) -> None:
    for user in (None, make_user("agent", "59")):
        if user is not None:
            client.force_login(user)
        body = client.get("/accessibilite/" if user is None else "/departements/").content.decode()
        footer = body[body.index('<footer class="fr-footer"') :]
        assert list(re.findall(r'class="fr-footer__bottom-link"[^>]*href="([^"]+)"', footer)) == FOOTER


@pytest.mark.parametrize(
    ("path", "texts"),
    [
        ("/mentions-legales/", ["Éditeur", "Directeur de la publication", "Hébergement", "licence ouverte Etalab 2.0"]),
        (
            "/donnees-personnelles/",
            ["Responsable du traitement", "article 6, paragraphe 1, point e", "CNIL", "30 minutes"],
        ),
        ("/cookies/", ["strictement nécessaires", settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "8 heures"]),
        ("/plan-du-site/", ["Connexion", "Mot de passe oublié", "Mentions légales"]),
    ],
)
def test_the_footer_pages_are_public_and_say_what_a_state_service_must(path: str, texts: list[str]) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    body = response.content.decode()
    for text in texts:
        assert text in body, text


# Steps of a flow, not destinations: the page after the reset email is sent, after the new password is set.
STEPS = {"/mot-de-passe-oublie/envoye/", "/mot-de-passe/modifie/"}


def _plain_pages() -> list[str]:
    """The URL conf's routes without arguments, outside the admin's and the API's inner pages."""
    paths = []
    for route, _namespace, _pattern in _walk(get_resolver().url_patterns):
        if "<" in route or "(?P" in route or (route.startswith("admin/") and route != "admin/"):
            continue
        paths.append("/" + route.replace("^", "").replace("$", "").replace("\\Z", ""))
    return sorted(set(paths))


def _opens(client: Client, path: str) -> bool:
    response = client.get(path)
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def test_the_site_map_lists_the_pages_each_role_may_open(make_user: MakeUser) -> None:
    users: dict[str, User | None] = seed_roles(make_user)
    pages = _plain_pages()
    problems = []
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        plan = client.get("/plan-du-site/").content.decode()
        plan = plan[plan.index('<main id="content"') : plan.index("</main>")]
        listed = set(re.findall(r'<li><a class="fr-link" href="([^"]+)"', plan))
        opened = {path for path in pages if path not in STEPS and _opens(client, path)}
        problems += [f"{role} : {path} s'ouvre mais manque au plan" for path in sorted(opened - listed)]
        problems += [f"{role} : {path} est au plan mais ne s'ouvre pas" for path in sorted(listed - opened)]
    assert not problems, "\n".join(problems)
