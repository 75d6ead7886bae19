"""Django's database sessions, each request's session and signed-in user read in one statement
compiled once.

Every request reads its session (``SessionMiddleware``), then its user (``AuthenticationMiddleware``
→ the backend's ``get_user``): two queries, and Django built and compiled the first each time,
some 400 Python calls of the 5,500 of a page's frame (benchmarks/RESULTS.md, tenth pass). The
session row (``accounts.models.UserSession``) holds the signed-in user's id, written from its
data at each save; its read joins the user with his organisation and its département, and
leaves him for ``accounts.backends.session_user``, which answers the backend's ``get_user`` with
him when he is the one asked for (Django's rules then apply as before: an inactive account is
refused, the session's hash of the password checked). What is left is forgotten at the start
and the end of every request, so a request never gets another's user. The cookie, the expiry,
the data and the writes are Django's own (``django.contrib.sessions.backends.db``).
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.core.signals import request_finished, request_started
from django.db.models import QuerySet
from django.utils import timezone

from config.statements import Compiled

# The user read with this request's session: ``(user id, user)``, or None.
_READ: ContextVar[tuple[int, Any] | None] = ContextVar("quartiers_session_user", default=None)


def _live(session_key: str, now: dt.datetime) -> QuerySet[Any]:
    from accounts.models import UserSession

    return UserSession.objects.select_related("user__organisation__department").filter(
        session_key=session_key, expire_date__gt=now
    )


_SESSION = Compiled(_live, str, dt.datetime)


def read_user(user_id: Any) -> tuple[bool, Any]:
    """``(True, user)`` when this request's session was read with the user ``user_id``."""
    found = _READ.get()
    if found is None or str(found[0]) != str(user_id):
        return False, None
    return True, found[1]


def _forget(**kwargs: Any) -> None:
    _READ.set(None)


request_started.connect(_forget, dispatch_uid="accounts.sessions.started")
request_finished.connect(_forget, dispatch_uid="accounts.sessions.finished")


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        session: Any = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if isinstance(user_id, str | int) and str(user_id).isdigit() else None
        return session

    def _get_session_from_db(self) -> Any:
        key = self.session_key
        found = _SESSION.first(key, timezone.now()) if isinstance(key, str) else None
        if found is None:  # expired, or never written: a new session (as Django does)
            self._session_key = None
            _READ.set(None)
        else:
            _READ.set((found.user_id, found.user) if found.user_id is not None else None)
        return found
