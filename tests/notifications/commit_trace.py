"""Imported by the fault tests' worker settings: marks, in a file, when a worker enters and leaves
the one window ``notifications.sending`` admits (its docstring, step 3).

The window opens once PostgreSQL has answered the commit point's ``UPDATE`` (the next writes are
``COMMIT`` to PostgreSQL, then the final dot to the SMTP server) and closes once the dot has been
written. A ``kill -9`` landing inside it marks a row sent whose email the server never took: the
one loss the protocol does not prevent. On a loaded host the kernel may run PostgreSQL's woken
backend between the two writes, which widens the window from microseconds to a time slice.

The marks are ``open <ids>`` and ``dot <ids>``, one line each, written with one ``write`` to a
file opened with ``O_APPEND``, so that a killed process leaves whole lines. A reminder missing
from the sink is excused by ``excused`` only if its last mark is ``open``: its worker died inside
the window. Nothing else is excused.
"""

from __future__ import annotations

import os
import smtplib
import threading
import time
from pathlib import Path
from typing import Any

from notifications import sending

ENV = "QUARTIERS_COMMIT_TRACE"
PAUSE_ENV = "QUARTIERS_COMMIT_TRACE_PAUSE"  # seconds the cluster's first dot waits: the window held open

_current = threading.local()


def _mark(word: str, ids: list[int]) -> None:
    path = os.environ.get(ENV)
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{word} {' '.join(map(str, ids))}\n".encode())
        finally:
            os.close(fd)


def _first_pause() -> bool:
    """True for the first dot of the whole cluster (a flag file created exclusively)."""
    try:
        os.close(os.open(f"{os.environ[ENV]}.paused", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return False
    return True


def install() -> None:
    mark_sent_sql, pg_results, smtp_send = sending._mark_sent_sql, sending._pg_results, smtplib.SMTP.send

    def traced_mark_sent_sql(*, ids: list[int], token: Any) -> bytes:
        _current.ids, _current.open = list(ids), False
        return mark_sent_sql(ids=ids, token=token)

    def traced_pg_results(pgconn: Any) -> list[Any]:
        results = pg_results(pgconn)
        ids = getattr(_current, "ids", None)
        if ids and not _current.open:  # the UPDATE's results: next come COMMIT and the dot
            _current.open = True
            _mark("open", ids)
        return results

    def traced_send(self: smtplib.SMTP, s: bytes | str) -> None:
        ids = getattr(_current, "ids", None)
        if s == b".\r\n" and ids and os.environ.get(PAUSE_ENV) and _first_pause():
            _mark("paused", ids)
            time.sleep(float(os.environ[PAUSE_ENV]))
        smtp_send(self, s)
        if s == b".\r\n" and ids:
            _mark("dot", ids)
            _current.ids = None

    sending._mark_sent_sql = traced_mark_sent_sql
    sending._pg_results = traced_pg_results
    smtplib.SMTP.send = traced_send  # type: ignore[method-assign,assignment]


def excused(path: Path) -> set[int]:
    """Rows whose worker died inside the window (their last mark is ``open`` or ``paused``)."""
    last: dict[int, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            word, *ids = line.split()
            for pk in ids:
                last[int(pk)] = word
    return {pk for pk, word in last.items() if word in ("open", "paused")}


def marks(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
