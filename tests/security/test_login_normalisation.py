"""The login lock-out holds for every spelling of an address (OWASP ASVS 5.0 6.3.1).

django-axes counts failures per username string; the address is normalised (NFKC, trimmed,
lower-case: ``accounts.models.email_normalise``) before authentication and before axes sees it,
on the site login, the admin login and the token command, and looked up exactly in that form."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.management import call_command
from django.test import Client

import pytest
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test"  # tests/factories.py
AGENT = "agent.nord@demo.quartiers.gouv.fr"
ADMIN = "admin.national@demo.quartiers.gouv.fr"
IP = "192.0.2.30"

# Spellings that log in as the same account (the form trims, the lookup ignores case).
SPELLINGS = [
    "AGENT.NORD@DEMO.QUARTIERS.GOUV.FR",
    " agent.nord@demo.quartiers.gouv.fr ",
    "Agent.Nord@Demo.Quartiers.Gouv.Fr",
    "\tAGENT.nord@demo.QUARTIERS.gouv.fr\n",
    "aGeNt.NoRd@dEmO.qUaRtIeRs.GoUv.Fr",
    "  Agent.Nord@demo.quartiers.gouv.fr",
    "agent.nord@demo.quartiers.gouv.FR ",
    "AGENT.Nord@Demo.Quartiers.gouv.fr",
    "agent.NORD@demo.quartiers.gouv.fr",
    "Agent.nord@DEMO.quartiers.GOUV.fr",
]


def post(url: str, username: str, password: str, ip: str = IP) -> int:
    return Client().post(url, {"username": username, "password": password}, REMOTE_ADDR=ip).status_code


def lock(url: str, username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post(url, username, "mauvais mot de passe")
    assert post(url, username, PASSWORD) == 429


@pytest.fixture
def agent(make_user: MakeUser) -> User:
    return make_user(Role.AGENT, "59", email=AGENT)


@pytest.fixture
def national_admin(make_user: MakeUser) -> User:
    return make_user(Role.NATIONAL_ADMIN, email=ADMIN)


def test_every_spelling_logs_in_before_any_failure(agent: User) -> None:
    for spelling in SPELLINGS:
        assert post("/connexion/", spelling, PASSWORD) == 302, repr(spelling)


@pytest.mark.parametrize("spelling", SPELLINGS, ids=repr)
def test_a_locked_address_stays_locked_in_every_spelling(agent: User, spelling: str) -> None:
    lock("/connexion/", AGENT)
    assert post("/connexion/", spelling, PASSWORD) == 429
    # Another address (IP) is still let in: the lock is the (address, IP) pair, as before.
    assert post("/connexion/", spelling, PASSWORD, ip="198.51.100.30") == 302


def test_failures_in_ten_spellings_add_up_to_one_lockout(agent: User) -> None:
    statuses = [post("/connexion/", spelling, "mauvais mot de passe") for spelling in SPELLINGS]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(statuses[limit - 1 :]) == {429}
    assert post("/connexion/", AGENT, PASSWORD) == 429
    # One count, under the one spelling.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {AGENT}


def test_a_look_alike_address_neither_logs_in_nor_escapes_the_count(agent: User) -> None:
    """PostgreSQL's UPPER() folds the dotless "ı" onto "I", str.lower() does not: the exact lookup
    on the normalised form refuses it instead of letting it log in under a count of its own. The
    long "ſ" is folded onto "s" by NFKC, so it shares the count of the real address."""
    assert post("/connexion/", "agent.nord@demo.quartıers.gouv.fr", PASSWORD) == 200
    lock("/connexion/", AGENT)
    assert post("/connexion/", "agent.nord@demo.quartierſ.gouv.fr", PASSWORD) == 429


@pytest.mark.parametrize("spelling", SPELLINGS[:4], ids=repr)
def test_the_admin_login_is_locked_in_every_spelling(national_admin: User, spelling: str) -> None:
    admin_spelling = spelling.replace("agent.nord", "admin.national").replace("AGENT.NORD", "ADMIN.NATIONAL")
    admin_spelling = admin_spelling.replace("Agent.Nord", "Admin.National").replace("AGENT.nord", "ADMIN.national")
    assert admin_spelling.strip().lower() == ADMIN
    assert post("/admin/login/", admin_spelling, PASSWORD, ip="198.51.100.31") == 302  # logs in when not locked
    lock("/admin/login/", ADMIN)
    assert post("/admin/login/", admin_spelling, PASSWORD) == 429


def test_admin_failures_in_several_spellings_add_up(national_admin: User) -> None:
    spellings = [ADMIN.upper(), f" {ADMIN} ", ADMIN.title(), f"{ADMIN.upper()}\n", ADMIN.capitalize()]
    for spelling in spellings[: settings.AXES_FAILURE_LIMIT]:
        post("/admin/login/", spelling, "mauvais mot de passe")
    assert post("/admin/login/", ADMIN, PASSWORD) == 429


def test_the_token_command_finds_the_account_in_any_spelling(agent: User) -> None:
    """No API endpoint issues tokens: ``drf_create_token`` (README) is the only way, through the
    manager's ``get_by_natural_key``."""
    call_command("drf_create_token", " AGENT.Nord@Demo.Quartiers.Gouv.Fr ", stdout=io.StringIO())
    assert Token.objects.get().user == agent


def test_an_address_is_opened_once_whatever_its_spelling(agent: User, make_user: MakeUser) -> None:
    """The admin refuses, in French, a second account whose address differs only by case or
    spaces (it used to reach the database's unique index: a server error)."""
    client = Client()
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": " AGENT.Nord@demo.quartiers.gouv.fr ",
            "role": Role.AGENT,
            "organisation": agent.organisation_id,
            "password1": "cheval agrafe batterie correcte",
            "password2": "cheval agrafe batterie correcte",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert User.objects.filter(email__iexact=AGENT).count() == 1
