"""Every error a user can meet answers a French DSFR page, with DEBUG off (production) and with
DEBUG on as under the run command (config/settings/dev.py, config.error_pages): 400, 403 (and a
refused form), 404, 429 (too many failed logins, django-axes), 500."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings as django_settings
from django.test import Client

import pytest

from accounts.models import Role
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db

FRENCH_MIDDLEWARE = "config.error_pages.FrenchErrorPagesMiddleware"
DEBUG_PAGE = "NONE,NOARCHIVE"  # Django's English debug pages


@pytest.fixture(params=[False, True], ids=["production", "commande-de-lancement"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    """Each test twice: DEBUG off, and DEBUG on with the run command's middleware."""
    settings.DEBUG = request.param
    if request.param:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(middleware.index("csp.middleware.CSPMiddleware") + 1, FRENCH_MIDDLEWARE)
        settings.MIDDLEWARE = middleware
    return bool(request.param)


def french(response: Any, status: int, heading: str) -> str:
    body = response.content.decode()
    assert response.status_code == status
    assert '<html lang="fr"' in body and f"<h1>{heading}</h1>" in body, body[:2000]
    assert DEBUG_PAGE not in body and "Traceback" not in body and "URLconf" not in body
    assert "fr-header" in body and "dsfr" in body  # the DSFR page, not a bare one
    return body


def test_400(debug: bool) -> None:
    french(Client().get("/departements/?q=%00"), 400, "Requête invalide")


def test_403(debug: bool, client_for: Any) -> None:
    french(client_for(Role.AGENT, "59").get("/pilotage/colleges-manquants/"), 403, "Accès refusé")


def test_403_refused_form(debug: bool, make_user: MakeUser) -> None:
    client = Client(enforce_csrf_checks=True)
    french(client.post("/connexion/", {"username": "a@example.gouv.fr", "password": "x"}), 403, "Formulaire expiré")


def test_404(debug: bool, client_for: Any) -> None:
    body = french(Client().get("/nulle-part/"), 404, "Page introuvable")
    assert "admin/" not in body  # no list of URL patterns
    french(client_for(Role.AGENT, "59").get("/departements/62/"), 404, "Page introuvable")  # a view's Http404


def test_429(debug: bool, make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        client.post("/connexion/", {"username": user.email, "password": "faux"})
    response = client.post("/connexion/", {"username": user.email, "password": "faux"})
    body = french(response, 429, "Connexion temporairement bloquée")
    assert "30 minutes" in body


def test_500(debug: bool, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.config.error_urls"
    body = french(Client(raise_request_exception=False).get("/panne/"), 500, "Erreur du serveur")
    assert "panne simulée" not in body


def test_the_run_commands_settings_show_the_french_pages() -> None:
    """config/settings/dev.py (scripts/run.sh): DEBUG on, the French pages' middleware first."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    env.pop("DJANGO_DEBUG", None)
    env.pop("DJANGO_DEBUG_PAGES", None)
    code = (
        "import django; django.setup(); from django.conf import settings as s; m = s.MIDDLEWARE; "
        "print(s.DEBUG, m[m.index('csp.middleware.CSPMiddleware') + 1], s.DEBUG_ERROR_PAGES)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", FRENCH_MIDDLEWARE, "False"]
