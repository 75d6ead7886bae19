"""Login rate limiting, security headers, password rules, production cookies and sessions,
check --deploy, uploaded files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import Resolver404, resolve

import pytest

from accounts.models import Role, User
from config.env import BASE_DIR, VARIABLES
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import nord_contract, pdf
from workflows.models import RenewalDocument
from workflows.renewal.services import document_check, renewal_document_add, renewal_launch

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test"  # tests/factories.py


def login(client: Client, email: str, password: str, ip: str = "192.0.2.10") -> int:
    response = client.post("/connexion/", {"username": email, "password": password}, REMOTE_ADDR=ip)
    return response.status_code


# --- Login rate limiting (django-axes) ---


def test_five_failures_lock_the_account_from_that_address(make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, user.email, "mauvais mot de passe") == 200  # the form again, with its error
    response = client.post("/connexion/", {"username": user.email, "password": "encore faux"}, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Connexion temporairement bloquée" in body and "30 minutes" in body
    # Locked: even the right password is refused from that address…
    assert login(Client(), user.email, PASSWORD) == 429
    # … but the same account from another address, and another account from this one, still log in.
    assert login(Client(), user.email, PASSWORD, ip="198.51.100.7") == 302
    other = make_user(Role.AGENT, "59")
    assert login(Client(), other.email, PASSWORD) == 302


def test_a_success_resets_the_failure_count(make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(Client(), user.email, "faux")
    assert login(Client(), user.email, PASSWORD) == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(Client(), user.email, "faux") == 200
    assert login(Client(), user.email, PASSWORD) == 302


def test_the_admin_login_is_rate_limited_too(make_user: MakeUser) -> None:
    admin = make_user(Role.NATIONAL_ADMIN)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/admin/login/", {"username": admin.email, "password": "faux"}, REMOTE_ADDR="192.0.2.20")
    response = Client().post("/admin/login/", {"username": admin.email, "password": PASSWORD}, REMOTE_ADDR="192.0.2.20")
    assert response.status_code == 429


# --- Security headers ---


def test_pages_carry_the_security_headers(client_for: object) -> None:
    response = Client().get("/connexion/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "base-uri 'none'" in csp  # ASVS 5.0 3.4.3
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp)
    assert nonce, csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    body = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts and all(f'nonce="{nonce[1]}"' in tag for tag in scripts), scripts
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_pages_are_never_stored_by_caches(make_user: MakeUser) -> None:
    """ASVS 5.0 14.3.2: the signed-in pages (case data of a département) and the API answers
    carry ``Cache-Control: private, no-store``; the iCal feed keeps its own short private cache."""
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    for url in ("/taches/", "/departements/59/", "/echeances/", "/api/departements/"):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, (url, cache_control)
    assert "no-store" in Client().get("/connexion/")["Cache-Control"]


def test_the_calendar_feed_answers_only_get_and_head(make_user: MakeUser) -> None:
    from notifications.services import calendar_token_regenerate

    token = calendar_token_regenerate(user=make_user(Role.AGENT, "59")).token
    client = Client()
    assert client.get(f"/calendrier/{token}.ics").status_code == 200
    assert client.head(f"/calendrier/{token}.ics").status_code == 200
    assert client.post(f"/calendrier/{token}.ics").status_code == 405


def test_each_response_gets_a_fresh_nonce() -> None:
    first = Client().get("/connexion/")["Content-Security-Policy"]
    second = Client().get("/connexion/")["Content-Security-Policy"]
    assert first != second


# --- Password rules (public sector: 12 characters at least) ---


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Court-1a!", "au minimum 12 caractères"),
        ("1234567890123", "trop courant"),
        ("824639175028461", "entièrement numérique"),
        ("claire.dupont.prefecture", "trop semblable"),
    ],
    ids=["length", "common", "numeric", "similarity"],
)
def test_weak_passwords_are_refused_in_french(password: str, message: str) -> None:
    user = User(email="claire.dupont.prefecture@nord.gouv.fr", first_name="Claire", last_name="Dupont")
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    assert any(message in text for text in error.value.messages), error.value.messages


def test_a_long_passphrase_is_accepted() -> None:
    user = User(email="claire.dupont@nord.gouv.fr", first_name="Claire", last_name="Dupont")
    validate_password("cheval agrafe batterie correcte", user)


# --- Production settings ---

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3Y-" + "x9Zq" * 15,
    "DJANGO_ALLOWED_HOSTS": "quartiers.example.gouv.fr",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/quartiers",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}
NAMES = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "MEDIA_URL",
    "AXES_FAILURE_LIMIT",
]


def production(code: str) -> subprocess.CompletedProcess[str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the Playwright tests (tests/e2e/conftest.py), in every
    # pytest process: a production process never has it.
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **PRODUCTION_ENV},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_cookies_and_sessions() -> None:
    result = production(
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {NAMES!r}}}))"
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert values["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    # __Host- cookies: Secure, path /, no Domain: a sibling sub-domain cannot set or read them.
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-") and values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SESSION_COOKIE_AGE"] <= 8 * 60 * 60 and values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["MEDIA_URL"] in ("", "/")  # uploaded files have no public URL
    assert values["AXES_FAILURE_LIMIT"] == 5


def test_check_deploy_is_clean() -> None:
    result = production(
        "import sys, django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_csrf_is_enforced_on_forms(make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    client = Client(enforce_csrf_checks=True)
    assert client.post("/connexion/", {"username": user.email, "password": PASSWORD}).status_code == 403
    client.force_login(user)
    assert client.post("/mes-notifications/", {"frequency": "digest"}).status_code == 403


def test_session_cookie_is_http_only_and_lax_on_login(make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    client = Client()
    assert login(client, user.email, PASSWORD) == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


# --- Uploaded files ---


@pytest.fixture
def document(make_user: MakeUser) -> RenewalDocument:
    agent = make_user(Role.AGENT, "59")
    renewal, _ = renewal_launch(city_contract=nord_contract(), user=agent)
    return renewal_document_add(renewal=renewal, user=agent, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())


def test_documents_are_streamed_as_attachments_after_a_scope_check(
    document: RenewalDocument, client_for: object, make_user: MakeUser
) -> None:
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    response = client.get(f"/renovations/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"  # not widened by django-csp
    outsider = Client()
    outsider.force_login(make_user(Role.AGENT, "62"))
    assert outsider.get(f"/renovations/documents/{document.pk}/").status_code == 404
    assert Client().get(f"/renovations/documents/{document.pk}/").status_code == 302


def test_documents_have_no_public_url(document: RenewalDocument) -> None:
    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    for candidate in [f"/{document.file.name}", f"/media/{document.file.name}", f"/var/media/{document.file.name}"]:
        with pytest.raises(Resolver404):
            resolve(candidate)
        assert Client().get(candidate).status_code == 404


def test_a_script_disguised_as_a_pdf_is_refused() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    script = b"<html><script>alert(1)</script></html>"
    upload = SimpleUploadedFile("rapport.pdf", script, content_type="application/pdf")
    with pytest.raises(ValidationError, match="Seuls les fichiers PDF"):
        document_check(upload=upload, kind=RenewalDocument.Kind.EVALUATION)


def test_only_the_admin_may_use_inline_styles(make_user: MakeUser) -> None:
    client = Client()
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    admin = client.get("/admin/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin and "script-src 'self' 'nonce-" in admin
    assert "unsafe-inline" not in client.get("/departements/")["Content-Security-Policy"]


def test_login_issues_a_new_session_and_logout_ends_it(make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    client = Client()
    client.get("/connexion/")
    client.session.save()
    before = client.session.session_key
    assert login(client, user.email, PASSWORD) == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before  # no session fixation
    assert client.post("/deconnexion/").status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = after
    response = replay.get("/taches/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_an_idle_session_is_signed_out(make_user: MakeUser) -> None:
    """ASVS 5.0 7.3.1: an hour without a request ends the session; activity keeps it alive,
    written at most once a minute."""
    import time

    from config.middleware import LAST_SEEN_KEY

    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    assert client.get("/taches/").status_code == 200
    first = client.session[LAST_SEEN_KEY]
    assert client.get("/taches/").status_code == 200
    assert client.session[LAST_SEEN_KEY] == first  # not rewritten within the minute

    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 120  # active two minutes ago
    session.save()
    assert client.get("/taches/").status_code == 200
    assert client.session[LAST_SEEN_KEY] > first - 1  # refreshed

    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get("/taches/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert "inactivité" in client.get(response["Location"]).content.decode()
