"""Every URL of the project × seven points of view.

The URLs come from the resolver (``tests/security/urls.py``), with arguments pointing at objects
of the Nord (59), so pages added later are covered without touching this file. For each URL and
each role, GET and an empty POST:

- never a server error;
- anonymous: sent to the login page (the API answers 401/403), except the public allow-list;
- a user of another département (agent 62): 404 (or 403) on every object of the Nord, never a
  page quoting its data, and a POST there changes nothing in the database;
- the admin only for staff (the national administrator).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.test import Client

import pytest

from accounts.models import User
from tests.conftest import MakeUser
from tests.security.urls import MARKER, Seed, Url, seed_nord, seed_roles, url_patterns

pytestmark = pytest.mark.django_db

ROLES = ["anonyme", "agent-59", "referent-paqte-59", "valideur-59", "agent-62", "referent-cget", "admin-national"]

# Pages anyone may open: with no account, or carrying their own secret (the iCal feed's token).
PUBLIC = {
    "login",
    "accessibility",
    # The footer's mandatory pages of a State site: readable before logging in.
    "legal_notice",
    "personal_data",
    "cookies",
    "sitemap",
    "notifications:calendar_feed",
    "admin:login",
    "api:schema",  # the OpenAPI description of the read-only API (no data)
    "api:docs",
    "api:redoc",
    "api:not-found",  # the API's French 404 for unknown paths (nothing to protect)
    "favicon",  # the DSFR favicon
    # The forgotten-password flow: for people who cannot log in; the link's token is the secret.
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Logging out needs no account: it just ends whatever session there is.
LOGOUT = {"logout", "admin:logout"}
# Tables a request may write for reasons other than the request's object: sessions, login logs.
VOLATILE_TABLES = ("accounts_usersession", "axes_")


@pytest.fixture
def world(make_user: MakeUser) -> Iterator[tuple[dict[str, User | None], Seed, list[Url]]]:
    # force_login would otherwise write last_login, which the snapshot would see.
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    try:
        users = seed_roles(make_user)
        seed = seed_nord(agent=users["agent-59"], validator=users["valideur-59"], referent=users["referent-cget"])  # type: ignore[arg-type]
        yield users, seed, url_patterns(seed)
    finally:
        user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


def snapshot() -> dict[str, str]:
    """A hash of every row of every table (except the volatile ones)."""
    digest: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table.startswith(VOLATILE_TABLES):
                continue
            name = connection.ops.quote_name(table)  # a name from the catalogue, not user input
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {name} t"  # noqa: S608
            )
            count, md5 = cursor.fetchone()
            digest[table] = f"{count}:{md5}"
    return digest


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


def request(client: Client, user: User | None, method: str, url: Url) -> tuple[int, str, str]:
    if user is not None:
        client.force_login(user)  # a POST may have logged the client out
    response = getattr(client, method)(url.path)
    body = b"" if getattr(response, "streaming", False) else response.content
    return response.status_code, response.get("Location", ""), body.decode("utf-8", "replace")


def check(role: str, user: User | None, url: Url, method: str, status: int, location: str, body: str) -> str | None:
    """What is wrong with this answer, or None."""
    where = f"{role} {method.upper()} {url}"
    if status >= 500:
        return f"{where}: erreur serveur {status}"
    if url.name in LOGOUT:
        return None
    if url.is_admin and url.name != "admin:login" and (user is None or not user.is_staff):
        if not (status == 302 and location.startswith("/admin/login/")):
            return f"{where}: l'administration doit renvoyer vers /admin/login/ (reçu {status} {location})"
        return None
    if role == "anonyme":
        if url.name in PUBLIC:
            return None
        if url.is_api:
            return None if status in (401, 403) else f"{where}: l'API doit répondre 401/403 (reçu {status})"
        if not (status == 302 and location.startswith("/connexion/?next=")):
            return f"{where}: doit renvoyer vers la connexion (reçu {status} {location})"
        return None
    if role == "agent-62":
        if MARKER in body:
            return f"{where}: montre une donnée du Nord"
        # 405: the method is refused before anything is looked up (the snapshot checks POSTs).
        # Public URLs carry their own secret (the iCal token): knowing it is the authorisation.
        if url.has_object and not url.is_admin and url.name not in PUBLIC and status not in (403, 404, 405):
            return f"{where}: un objet du Nord doit répondre 404 ou 403 (reçu {status} {location})"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_url_for_every_role(world: tuple[dict[str, User | None], Seed, list[Url]], role: str) -> None:
    users, _seed, urls = world
    user = users[role]
    client = Client()
    problems: list[str] = []
    outsider = role == "agent-62"
    for url in urls:
        for method in ("get", "post"):
            guarded = outsider and method == "post" and url.has_object and not url.is_admin
            before = snapshot() if guarded else {}
            status, location, body = request(client, user, method, url)
            problem = check(role, user, url, method, status, location, body)
            if problem:
                problems.append(problem)
            if guarded:
                tables = changed(before, snapshot())
                if tables:
                    problems.append(f"{role} POST {url}: a modifié la base ({', '.join(tables)})")
    assert not problems, f"{len(problems)} problème(s) sur {len(urls)} URL :\n" + "\n".join(problems)


def test_enumeration_covers_the_apps(world: tuple[dict[str, User | None], Seed, list[Url]]) -> None:
    """The walk reaches every app's URLs, the API's router and the admin (guards the walker itself)."""
    _users, _seed, urls = world
    names = {url.name for url in urls}
    for expected in [
        "login",
        "workflows:renewal_task",
        "workflows:renewal_document",
        "paqte:report_pdf",
        "steering:meeting_action",
        "notifications:calendar_feed",
        "api:meeting-detail",
        "api:measure-detail",
        "admin:index",
        "admin:accounts_user_change",
    ]:
        assert expected in names, expected
    assert len(urls) > 150


def test_an_unknown_argument_fails_naming_the_pattern(
    world: tuple[dict[str, User | None], Seed, list[Url]], settings: object
) -> None:
    from django.urls import clear_url_caches, path

    from tests.security import urls as enumeration

    def view() -> None: ...

    clear_url_caches()
    try:
        import config.urls

        config.urls.urlpatterns.append(path("essai/<int:widget_pk>/", view, name="widget"))  # type: ignore[arg-type]
        with pytest.raises(AssertionError, match="widget : « essai/<int:widget_pk>/ », argument « widget_pk »"):
            enumeration.url_patterns(world[1])
    finally:
        config.urls.urlpatterns.pop()
        clear_url_caches()
