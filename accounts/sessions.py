"""Django's database sessions, the session of each request read by a statement compiled once.

Every request reads its session (``SessionMiddleware``, then ``AuthenticationMiddleware``): Django
builds and compiles ``Session.objects.get(session_key=…, expire_date__gt=now)`` each time, some
400 Python calls of the 5,500 of a page's frame (benchmarks/RESULTS.md, tenth pass). The rows,
the cookie, the expiry and the writes are Django's own (``django.contrib.sessions.backends.db``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from config.statements import Compiled


def _live(session_key: str, now: dt.datetime) -> QuerySet[Session]:
    return Session.objects.filter(session_key=session_key, expire_date__gt=now)


_SESSION = Compiled(_live, str, dt.datetime)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        found = _SESSION.first(key, timezone.now()) if isinstance(key, str) else None
        if found is None:  # expired, or never written: a new session (as Django does)
            self._session_key = None
        return found
