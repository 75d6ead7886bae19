"""ProConnect login, end to end against a real OpenID provider (tests/oidc_provider/).

The provider is django-oauth-toolkit in a process of its own on 127.0.0.1 (one per pytest-xdist
worker). Quartiers is driven with Django's test client; the agent's side of the provider (its
login form, its consent page, its logout) with a real HTTP session: the provider never calls
Quartiers, only the browser goes back and forth, while Quartiers' backend calls the provider's
token, JWKS and UserInfo endpoints over HTTP. One test walks the same path in Chromium.
"""

from __future__ import annotations

import copy
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urljoin, urlsplit

from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.test import Client

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from accounts import oidc
from accounts.models import Role, User
from accounts.urls import proconnect_urlpatterns
from config.env import BASE_DIR, VARIABLES
from config.urls import urlpatterns as site_urlpatterns
from tests.conftest import MakeUser
from tests.e2e.conftest import assert_accessible
from tests.oidc_provider.process import Provider, provider_running

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

# Quartiers' URLs with ProConnect routed (accounts/urls.py routes it only when configured).
urlpatterns = [*proconnect_urlpatterns, *site_urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

PROVIDER_PASSWORD = "mot de passe chez le fournisseur"
# The provider's directory. Addresses in another case than Quartiers stores them: matching is
# case-insensitive.
AGENT = "Agent.Nord@Nord.Gouv.fr"
NATIONAL = "responsable@cget.gouv.fr"  # no second factor
NATIONAL_MFA = "responsable.mfa@cget.gouv.fr"  # has a second factor
UNKNOWN = "inconnu@nord.gouv.fr"  # no account in Quartiers
DIRECTORY: list[dict[str, Any]] = [
    {"email": AGENT, "given_name": "Alice", "usual_name": "Nord"},
    {"email": NATIONAL, "given_name": "Nadia", "usual_name": "National"},
    {"email": NATIONAL_MFA, "given_name": "Marc", "usual_name": "Fort", "mfa": True},
    {"email": UNKNOWN, "given_name": "Ines", "usual_name": "Connue"},
]
NATIONAL_ACR = ["eidas2", "eidas3"]


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    users = [{**person, "password": PROVIDER_PASSWORD} for person in DIRECTORY]
    # The test client is http://testserver; the live server of the browser test, 127.0.0.1 on
    # any port (loopback redirect URIs, RFC 8252 7.3).
    with provider_running(
        tmp_path_factory.mktemp("oidc-provider"), users=users, rp_origins=["http://testserver", "http://127.0.0.1"]
    ) as running:
        yield running


@pytest.fixture
def proconnect(settings: Any, provider: Provider) -> Provider:
    """Quartiers configured for the provider, as config/settings/base.py does from PROCONNECT_*."""
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.PROCONNECT_ISSUER = provider.issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.endpoint("authorize/")
    settings.OIDC_OP_TOKEN_ENDPOINT = provider.endpoint("token/")
    settings.OIDC_OP_USER_ENDPOINT = provider.endpoint("userinfo/")
    settings.OIDC_OP_JWKS_ENDPOINT = provider.endpoint(".well-known/jwks.json")
    settings.OIDC_OP_END_SESSION_ENDPOINT = provider.endpoint("logout/")
    settings.PROCONNECT_NATIONAL_ACR_VALUES = NATIONAL_ACR
    policy: Any = copy.deepcopy(django_settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], provider.url]
    settings.CONTENT_SECURITY_POLICY = policy
    oidc._discovery.clear()
    return provider


class _Form(HTMLParser):
    """The first form of a page: its action and the values of its named inputs (not its buttons)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attributes.get("action") or ""
        elif tag == "input" and attributes.get("name") and attributes.get("type") != "submit":
            self.fields[str(attributes["name"])] = attributes.get("value") or ""


class Agent:
    """One person: Quartiers through Django's test client, the provider through a real HTTP
    session with its cookies (its login form, its consent page)."""

    def __init__(self, provider: Provider, email: str) -> None:
        self.provider = provider
        self.email = email
        self.client = Client()
        self.http = requests.Session()
        self.authorizations: list[dict[str, str]] = []  # query of each authorization request

    def at_provider(self, url: str) -> str:
        """Logs in and consents at the provider if asked; returns where it sends the browser back."""
        assert url.startswith(self.provider.url), url
        response = self.http.get(url, allow_redirects=False, timeout=30)
        for _ in range(10):
            if response.is_redirect:
                location = urljoin(response.url, response.headers["Location"])
                if not location.startswith(self.provider.url):
                    return location
                response = self.http.get(location, allow_redirects=False, timeout=30)
                continue
            assert response.status_code == 200, response.text
            form = _Form(response.text)
            assert form.action is not None, response.text
            data = dict(form.fields)
            if "password" in data:
                data.update(username=self.email, password=PROVIDER_PASSWORD)
            else:
                data["allow"] = "Authorize"  # the consent page
            response = self.http.post(urljoin(response.url, form.action), data=data, allow_redirects=False, timeout=30)
        raise AssertionError("le fournisseur ne renvoie pas vers Quartiers")

    def log_in(self, path: str = "/oidc/authenticate/") -> TestResponse:
        """From Quartiers' ProConnect button to Quartiers' last answer, through the provider as
        many times as Quartiers sends the browser there (a step-up asks twice)."""
        response: TestResponse = self.client.get(path)
        for _ in range(3):
            assert response.status_code == 302, response.content
            authorize = response["Location"]
            self.authorizations.append({k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()})
            response = self.client.get(self.at_provider(authorize))
            if not (response.status_code == 302 and response["Location"].startswith("/oidc/authenticate/")):
                return response
            response = self.client.get(response["Location"])
        raise AssertionError("trop d'allers-retours avec le fournisseur")

    @property
    def logged_in_as(self) -> int | None:
        value = self.client.session.get(SESSION_KEY)
        return int(value) if value is not None else None


def text(response: TestResponse) -> str:
    return response.content.decode()


# --- Configuration -------------------------------------------------------------------------


def test_without_configuration_there_is_no_button_and_no_oidc_url(settings: Any) -> None:
    settings.ROOT_URLCONF = "config.urls"  # what accounts/urls.py routes when PROCONNECT_* is empty
    assert settings.PROCONNECT_ENABLED is False
    client = Client()
    assert "fr-connect" not in text(client.get("/connexion/"))
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_the_views_answer_404_when_proconnect_is_off() -> None:
    client = Client()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_the_login_page_offers_proconnect_and_keeps_the_password(proconnect: Provider) -> None:
    page = text(Client().get("/connexion/?next=/departements/"))
    assert 'class="fr-connect-group"' in page
    assert '<span class="fr-connect__brand">ProConnect</span>' in page
    assert 'action="/oidc/authenticate/"' in page
    assert 'name="next" value="/departements/"' in page
    assert 'name="password"' in page  # password login kept for the demo


def test_the_authentication_request_carries_state_nonce_pkce_and_the_acr_claim(proconnect: Provider) -> None:
    client = Client()
    response = client.get("/oidc/authenticate/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == proconnect.endpoint("authorize/")
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == proconnect.client_id
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    assert query["scope"] == "openid email given_name usual_name"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["code_challenge_method"] == "S256"
    assert json.loads(query["claims"]) == {"id_token": {"acr": {"essential": True}}}
    assert query["state"] in client.session["oidc_states"]


# --- Agents matched by email ----------------------------------------------------------------


def test_a_seeded_agent_of_the_nord_logs_in_through_the_provider(proconnect: Provider, make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59", email=AGENT.lower())
    agent = Agent(proconnect, AGENT)
    response = agent.log_in("/oidc/authenticate/?next=/departements/59/")
    assert response.status_code == 302 and response["Location"] == "/departements/59/"
    assert agent.logged_in_as == user.pk
    assert agent.client.session[BACKEND_SESSION_KEY] == "accounts.oidc.ProConnectBackend"
    assert len(agent.authorizations) == 1  # an agent of a préfecture needs no step-up
    page = agent.client.get("/departements/59/")
    assert page.status_code == 200
    assert agent.client.get("/departements/62/").status_code == 404  # his scope, as with a password
    assert User.objects.count() == 1


def test_an_unknown_agent_is_refused_in_french_and_no_account_is_created(
    proconnect: Provider, make_user: MakeUser
) -> None:
    make_user(Role.AGENT, "59", email=AGENT.lower())
    before = User.objects.count()
    agent = Agent(proconnect, UNKNOWN)
    response = agent.log_in()
    assert response.status_code == 403
    page = text(response)
    assert "Aucun compte Quartiers pour cette adresse" in page
    assert UNKNOWN in page
    assert "administrateur national" in page and "valideur préfectoral" in page
    assert agent.logged_in_as is None
    assert User.objects.count() == before
    assert not User.objects.filter(email__iexact=UNKNOWN).exists()


def test_an_inactive_account_is_refused(proconnect: Provider, make_user: MakeUser) -> None:
    make_user(Role.AGENT, "59", email=AGENT.lower(), is_active=False)
    agent = Agent(proconnect, AGENT)
    response = agent.log_in()
    assert response.status_code == 403
    assert "Compte désactivé" in text(response)
    assert agent.logged_in_as is None


def test_a_deactivated_account_loses_its_proconnect_session(proconnect: Provider, make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59", email=AGENT.lower())
    agent = Agent(proconnect, AGENT)
    agent.log_in()
    assert agent.client.get("/taches/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert agent.client.get("/taches/")["Location"].startswith("/connexion/")


# --- National roles and the acr -------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.CGET_REFERENT])
def test_a_national_account_without_the_required_acr_is_refused(
    proconnect: Provider, make_user: MakeUser, role: Role
) -> None:
    make_user(role, None, email=NATIONAL)
    agent = Agent(proconnect, NATIONAL)
    response = agent.log_in()
    # Sent back once asking for the national values as an essential claim, with the address.
    assert len(agent.authorizations) == 2
    assert json.loads(agent.authorizations[1]["claims"]) == {
        "id_token": {"acr": {"essential": True, "values": NATIONAL_ACR}}
    }
    assert agent.authorizations[1]["login_hint"] == NATIONAL
    assert response.status_code == 403
    page = text(response)
    assert "Authentification renforcée requise" in page
    assert str(role.label) in page and "eidas1" in page and "eidas2 ou eidas3" in page
    assert agent.logged_in_as is None


@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.CGET_REFERENT])
def test_a_national_account_with_a_second_factor_is_accepted(
    proconnect: Provider, make_user: MakeUser, role: Role
) -> None:
    user = make_user(role, None, email=NATIONAL_MFA)
    agent = Agent(proconnect, NATIONAL_MFA)
    response = agent.log_in()
    assert len(agent.authorizations) == 2
    assert response.status_code == 302 and response["Location"] == "/"
    assert agent.logged_in_as == user.pk


def test_national_accounts_need_no_acr_when_none_is_configured(
    proconnect: Provider, settings: Any, make_user: MakeUser
) -> None:
    settings.PROCONNECT_NATIONAL_ACR_VALUES = []
    user = make_user(Role.NATIONAL_ADMIN, None, email=NATIONAL)
    agent = Agent(proconnect, NATIONAL)
    agent.log_in()
    assert len(agent.authorizations) == 1
    assert agent.logged_in_as == user.pk


# --- Logout at the provider -----------------------------------------------------------------


def test_logout_ends_the_session_here_and_at_the_provider(proconnect: Provider, make_user: MakeUser) -> None:
    make_user(Role.AGENT, "59", email=AGENT.lower())
    agent = Agent(proconnect, AGENT)
    agent.log_in()
    id_token = agent.client.session[oidc.ID_TOKEN_KEY]

    response = agent.client.post("/deconnexion/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == proconnect.endpoint("logout/")
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["id_token_hint"] == id_token
    assert query["post_logout_redirect_uri"] == "http://testserver/connexion/"
    assert len(query["state"]) >= 32
    assert agent.logged_in_as is None  # ended here before going there
    assert agent.client.get("/taches/")["Location"].startswith("/connexion/")

    # The provider accepts the hint, ends its own session and sends the browser to the login page.
    back = agent.at_provider(response["Location"])
    assert back.startswith("http://testserver/connexion/") and f"state={query['state']}" in back
    asked_again = agent.http.get(
        proconnect.endpoint("authorize/?response_type=code&client_id=x"), allow_redirects=False, timeout=30
    )
    assert asked_again.status_code == 302 and "/connexion/" in asked_again.headers["Location"]


def test_a_password_session_logs_out_locally(proconnect: Provider, make_user: MakeUser) -> None:
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    response = client.post("/deconnexion/")
    assert response.status_code == 302 and response["Location"] == "/connexion/"


# --- Configuration from the discovery document, checks on the ID token ----------------------


def test_endpoints_can_come_from_the_discovery_document(
    proconnect: Provider, settings: Any, make_user: MakeUser
) -> None:
    for name in oidc.ENDPOINTS:
        setattr(settings, name, "")
    user = make_user(Role.AGENT, "59", email=AGENT.lower())
    agent = Agent(proconnect, AGENT)
    agent.log_in()
    assert agent.logged_in_as == user.pk
    assert oidc._discovery[proconnect.issuer][1]["jwks_uri"] == proconnect.endpoint(".well-known/jwks.json")
    assert agent.client.post("/deconnexion/")["Location"].startswith(proconnect.endpoint("logout/"))


def test_an_id_token_from_another_issuer_is_refused(proconnect: Provider, settings: Any, make_user: MakeUser) -> None:
    settings.PROCONNECT_ISSUER = "https://auth.agentconnect.gouv.fr/api/v2"
    make_user(Role.AGENT, "59", email=AGENT.lower())
    agent = Agent(proconnect, AGENT)
    response = agent.log_in()
    assert response.status_code == 400
    assert "La connexion avec ProConnect n'a pas abouti" in text(response)
    assert agent.logged_in_as is None


def test_a_replayed_or_forged_callback_opens_no_session(proconnect: Provider, make_user: MakeUser) -> None:
    make_user(Role.AGENT, "59", email=AGENT.lower())
    agent = Agent(proconnect, AGENT)
    start = agent.client.get("/oidc/authenticate/")
    callback = agent.at_provider(start["Location"])
    assert agent.client.get(callback).status_code == 302  # logged in
    # The same answer again, in the same browser (its state is spent) and in another one.
    replay = agent.client.get(callback)
    assert replay.status_code == 400 and "n'a pas abouti" in text(replay)
    other = Client()
    assert other.get(callback).status_code == 400
    assert SESSION_KEY not in other.session
    # An error sent back by the provider (the agent cancelled).
    cancelled = Client().get("/oidc/callback/?error=access_denied&state=x")
    assert cancelled.status_code == 400 and "n'a pas abouti" in text(cancelled)


def test_an_unreachable_provider_is_a_french_page(proconnect: Provider, settings: Any) -> None:
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
    settings.PROCONNECT_ISSUER = "http://127.0.0.1:9/o"  # discard port: nothing listens
    response = Client().get("/oidc/authenticate/")
    assert response.status_code == 503
    assert "ProConnect est momentanément indisponible" in text(response)


# --- Password login and django-axes ---------------------------------------------------------


def test_password_login_never_reaches_the_oidc_backend(
    proconnect: Provider, settings: Any, make_user: MakeUser
) -> None:
    for name in oidc.ENDPOINTS:
        setattr(settings, name, "http://127.0.0.1:9/unreachable")
    user = make_user(Role.AGENT, "59")
    client = Client()
    wrong = client.post("/connexion/?code=x&state=y", {"username": user.email, "password": "faux"})
    assert wrong.status_code == 200  # the form again, no call to the provider
    right = client.post("/connexion/?code=x&state=y", {"username": user.email, "password": "mot-de-passe-de-test"})
    assert right.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "accounts.backends.PasswordBackend"


def test_refused_proconnect_logins_do_not_lock_out_an_address(proconnect: Provider, make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59", email=AGENT.lower())
    for _ in range(django_settings.AXES_FAILURE_LIMIT + 1):
        assert Agent(proconnect, UNKNOWN).log_in().status_code == 403
    assert not AccessAttempt.objects.exists()  # nothing counted against the callback
    agent = Agent(proconnect, AGENT)
    agent.log_in()
    assert agent.logged_in_as == user.pk


def test_the_backends_order(settings: Any) -> None:
    backends = settings.AUTHENTICATION_BACKENDS
    assert backends[0] == "axes.backends.AxesStandaloneBackend"  # first, as django-axes asks
    assert backends.index("accounts.backends.PasswordBackend") < backends.index("accounts.oidc.ProConnectBackend")


# --- Production settings ---------------------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "quartiers.example.gouv.fr",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/quartiers",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
    "PROCONNECT_CLIENT_ID": "quartiers",
    "PROCONNECT_CLIENT_SECRET": "s" * 40,
    "PROCONNECT_ISSUER": "https://auth.agentconnect.gouv.fr/api/v2",
    "PROCONNECT_NATIONAL_ACR_VALUES": "eidas2 eidas3",
}


def production(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, **PRODUCTION_ENV, **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_with_proconnect_passes_check_deploy() -> None:
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.PROCONNECT_ENABLED, settings.PROCONNECT_NATIONAL_ACR_VALUES, "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']]))"
    )
    result = production("-c", code)
    assert result.returncode == 0, result.stderr
    enabled, acr_values, form_action = json.loads(result.stdout.strip().splitlines()[-1])
    assert enabled is True and acr_values == ["eidas2", "eidas3"]
    assert form_action == ["'self'", "https://auth.agentconnect.gouv.fr"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PROCONNECT_CLIENT_SECRET": ""}, "PROCONNECT_CLIENT_SECRET et PROCONNECT_ISSUER sont obligatoires"),
        ({"PROCONNECT_ISSUER": ""}, "PROCONNECT_CLIENT_SECRET et PROCONNECT_ISSUER sont obligatoires"),
        ({"PROCONNECT_ISSUER": "http://auth.example.gouv.fr"}, "doivent commencer par https://"),
        ({"PROCONNECT_TOKEN_ENDPOINT": "http://auth.example.gouv.fr/token"}, "doivent commencer par https://"),
    ],
)
def test_production_refuses_a_half_or_clear_text_proconnect(env: dict[str, str], message: str) -> None:
    result = production("-c", "import django; django.setup()", **env)
    assert result.returncode != 0
    assert message in result.stderr


# --- In a browser ---------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_in_chromium_an_agent_logs_in_with_proconnect_and_out(
    proconnect: Provider, live_server: LiveServer, make_user: MakeUser, browser: Browser
) -> None:
    make_user(Role.AGENT, "59", email=AGENT.lower())
    # Loopback by IP, the address registered at the provider (any port, RFC 8252 7.3).
    site = live_server.url.replace("localhost", "127.0.0.1")
    messages: list[str] = []  # the console, where Chromium reports CSP violations
    axe = Axe()
    for email in (AGENT, UNKNOWN):
        page = browser.new_context(locale="fr-FR").new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda message: messages.append(message.text))
        page.goto(f"{site}/connexion/")
        assert_accessible(axe, page)
        page.get_by_role("button", name="S'identifier avec ProConnect").click()
        page.locator("input[name=username]").fill(email)
        page.locator("input[name=password]").fill(PROVIDER_PASSWORD)
        page.get_by_role("button", name="Continuer").click()
        page.get_by_role("button", name="Authorize").click()  # the provider's consent page
        if email == UNKNOWN:
            expect(page.get_by_role("heading", level=1)).to_have_text("Aucun compte Quartiers pour cette adresse")
            assert_accessible(axe, page)
            continue
        expect(page).to_have_url(f"{site}/taches/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tâches")
        page.get_by_role("button", name="Se déconnecter").click()
        # Back on the login page through the provider's end-session endpoint (its state).
        expect(page).to_have_url(re.compile(rf"^{re.escape(site)}/connexion/\?state=[\w-]+$"))
    assert [text for text in messages if "Content Security Policy" in text] == []
