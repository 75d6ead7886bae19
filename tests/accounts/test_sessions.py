"""The sessions (``accounts.sessions``): Django's database sessions, each request's session and
user read by one statement compiled once; a signed-in user stays signed in, an expired or
unknown session is a new, empty one, as with Django's store; Django's rules on the user read
(an inactive account, a changed password) still sign him out."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from accounts.models import Role, UserSession
from accounts.sessions import _SESSION, SessionStore, read_user
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_is_read_from_his_session_by_the_kept_statement(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    assert client.get("/taches/").status_code == 200
    key = client.session.session_key
    assert key is not None
    if connection.vendor == "postgresql":
        kept = _SESSION.sql_with_params(key, timezone.now())
        assert kept is not None and key in kept[1]
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/taches/")
    assert page.status_code == 200 and page.context["user"] == agent
    assert sum('"accounts_usersession"' in query["sql"] for query in queries) == 1
    # His row with his organisation came with the session: no query of its own.
    assert not [query for query in queries if query["sql"].startswith('SELECT "accounts_user"."id"')]
    assert UserSession.objects.get(session_key=key).user_id == agent.pk


def test_an_expired_or_unknown_session_is_a_new_empty_one(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    key = client.session.session_key
    UserSession.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    page = client.get("/taches/")
    assert page.status_code == 302 and "/connexion/" in page["Location"]  # signed out
    store = SessionStore(session_key="inconnue-" + "x" * 30)
    assert store.load() == {} and store.session_key is None
    assert SessionStore(session_key=None).load() == {}


def test_a_session_written_is_read_back() -> None:
    store = SessionStore()
    store["panier"] = ["59", "é"]
    store.save()
    again = SessionStore(session_key=store.session_key)
    assert again["panier"] == ["59", "é"]
    again.flush()
    assert SessionStore(session_key=store.session_key).load() == {}


def test_the_user_read_with_a_session_is_refused_as_django_would(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    assert client.get("/taches/").status_code == 200
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert client.get("/taches/").status_code == 302  # deactivated: signed out at once
    agent.is_active = True
    agent.save(update_fields=["is_active"])
    client.force_login(agent)
    assert client.get("/taches/").status_code == 200
    agent.set_password("un autre mot de passe, bien long")
    agent.save()
    assert client.get("/taches/").status_code == 302  # the session's password hash no longer matches


def test_a_request_never_gets_the_user_of_another(make_user: MakeUser) -> None:
    agent, other = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "62")
    signed_in = Client()
    signed_in.force_login(agent)
    assert signed_in.get("/taches/").context["user"] == agent
    assert read_user(agent.pk) == (False, None)  # forgotten once the request ended
    anonymous = Client()
    assert anonymous.get("/taches/").status_code == 302  # no session: nobody
    second = Client()
    second.force_login(other)
    assert second.get("/taches/").context["user"] == other
    # A session saved by hand with another id in its data than its column is not trusted.
    store = SessionStore()
    store["_auth_user_id"] = str(agent.pk)
    store.save()
    UserSession.objects.filter(session_key=store.session_key).update(user=other)
    again = SessionStore(session_key=store.session_key)
    assert again["_auth_user_id"] == str(agent.pk)
    assert read_user(agent.pk) == (False, None) and read_user(other.pk)[0] is True
