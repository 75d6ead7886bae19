"""The sessions (``accounts.sessions``): Django's database sessions, each request's read by a
statement compiled once; a signed-in user stays signed in, an expired or unknown session is
a new, empty one, as with Django's store."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from accounts.models import Role
from accounts.sessions import _SESSION, SessionStore
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
    assert sum('"django_session"' in query["sql"] for query in queries) == 1


def test_an_expired_or_unknown_session_is_a_new_empty_one(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
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
