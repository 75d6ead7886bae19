"""Shared fixtures. The reference data (real INSEE/ANCT files) is imported once per test
database and re-serialised, so that transactional tests (live server, browser) can restore
it with ``serialized_rollback``.

Test databases are created afresh for each run (no ``--reuse-db``): a transactional test ends
with a flush that also empties the rows of data migrations (role groups and their
permissions), which a reused database would then lack.

Transactional tests (the live server's, ~70) flush and restore as Django does, made fast: the
flush deletes every row of every table in one transaction instead of truncating them (which
recreates each table's files: seconds each time), and instead of saving the ~6,600 serialized
rows one by one (seconds more), the rows are copied once into a schema of their own and put
back with one ``INSERT … SELECT`` per table: the same rows, primary keys included."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.backends.postgresql.operations import DatabaseOperations
from django.test import Client
from django.utils import timezone

import pytest

from accounts.models import Organisation, Role, User
from accounts.services import organisations_ensure
from reference.models import Department
from reference.services.importer import reference_import
from tests.factories import UserFactory

# The suite's day. Test modules read today once, at import (``TODAY = timezone.localdate()``),
# the product at each call (``notifications.campaign``): a run that crossed midnight (Paris)
# compared yesterday's dates with today's (a convention ending « today » already expired). Every
# test of a run reads the day the run started; a date given to ``localdate`` is converted as usual.
SUITE_DAY = timezone.localdate()
_localdate = timezone.localdate


def _suite_localdate(value: Any = None, timezone: Any = None) -> Any:  # Django's signature
    return _localdate(value, timezone) if value is not None or timezone is not None else SUITE_DAY


@pytest.fixture(autouse=True)
def suite_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", _suite_localdate)


# Where the rows present once the test database is set up are kept (see the module's docstring).
SNAPSHOT_SCHEMA = "test_snapshot"
SNAPSHOT = f"copied into the {SNAPSHOT_SCHEMA} schema"
_deserialize = BaseDatabaseCreation.deserialize_db_from_string
_sql_flush = DatabaseOperations.sql_flush


def _sql_flush_by_delete(
    self: DatabaseOperations,
    style: Any,
    tables: Sequence[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    """The flush of a transactional test: every row deleted, in the flush command's transaction
    (the foreign keys are checked at its commit), rather than one TRUNCATE of ~100 tables."""
    if reset_sequences or allow_cascade:
        return _sql_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608 (catalogue names)


def _snapshot_tables() -> list[str]:
    """Copies every model table that has rows into the snapshot schema; returns their names."""
    tables = []
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SNAPSHOT_SCHEMA}")
        for table in sorted(connection.introspection.django_table_names(only_existing=True, include_views=False)):
            name = connection.ops.quote_name(table)  # a name from the catalogue, not user input
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {name})")  # noqa: S608
            if cursor.fetchone()[0]:
                cursor.execute(f"CREATE TABLE {SNAPSHOT_SCHEMA}.{name} AS TABLE public.{name}")
                tables.append(table)
    return tables


def _restore(self: BaseDatabaseCreation, data: str) -> None:
    """Django's serialized rollback, by copy: the flushed tables get their rows back (rows still
    there, before the first flush, are kept)."""
    if data != SNAPSHOT:
        _deserialize(self, data)
        return
    with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferrable
        for table in self.connection._snapshot_tables:  # type: ignore[attr-defined]
            name = self.connection.ops.quote_name(table)
            cursor.execute(
                f"INSERT INTO public.{name} SELECT * FROM {SNAPSHOT_SCHEMA}.{name} ON CONFLICT DO NOTHING"  # noqa: S608
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reference_import(data_dir=settings.REFERENCE_DATA_DIR)
        organisations_ensure()
        # What transactional tests restore after their flush (Django's serialized rollback).
        tables = _snapshot_tables()
        type(connections["default"])._snapshot_tables = tables  # type: ignore[attr-defined]
        type(connection.creation).deserialize_db_from_string = _restore  # type: ignore[method-assign]
        DatabaseOperations.sql_flush = _sql_flush_by_delete  # type: ignore[method-assign, assignment]
        snapshot = SNAPSHOT
        connection._test_serialized_contents = snapshot  # type: ignore[attr-defined]
        # Also on the wrapper class: once Playwright's event loop runs in this process, asgiref
        # may hand the test thread another DatabaseWrapper object, which would lack the snapshot
        # and silently skip the restore (seen under xdist: transactional tests then start on an
        # empty database).
        type(connections["default"])._test_serialized_contents = snapshot  # type: ignore[attr-defined]


@pytest.fixture
def nord() -> Department:
    return Department.objects.get(code="59")


@pytest.fixture
def pas_de_calais() -> Department:
    return Department.objects.get(code="62")


MakeUser = Callable[..., User]


def make_user_in(role: Role, department_code: str | None = None, **kwargs: object) -> User:
    """A user of that role in that département's préfecture (the CGET's without a code)."""
    if department_code is None:
        organisation = Organisation.objects.get(kind=Organisation.Kind.CGET)
    else:
        organisation = Organisation.objects.get(department__code=department_code)
    return cast(User, UserFactory(role=role, organisation=organisation, **kwargs))


@pytest.fixture
def make_user(db: None) -> MakeUser:
    """``make_user(Role.AGENT, "59")``: a user of that role in that département's préfecture."""
    return make_user_in


@pytest.fixture
def client_for(make_user: MakeUser) -> Callable[..., Client]:
    def make(role: Role | None, department_code: str | None = None) -> Client:
        client = Client()
        if role is not None:
            client.force_login(make_user(role, department_code))
        return client

    return make


@pytest.fixture(scope="session")
def browser() -> Any:
    """One headless Chromium per test process, for every browser test (tests/e2e and the
    ProConnect login): Playwright's sync API runs one loop per thread, so a second
    ``sync_playwright()`` in a process that has one running fails."""
    import os

    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} est introuvable : scripts/test.sh l'installe (apt-get install chromium).")
    # Once Playwright's loop runs, the test thread may get another DatabaseWrapper object: the
    # serialized-rollback snapshot is kept on the wrapper class for that (see above).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


def _groups(item: pytest.Item) -> set[str]:
    return {
        str(mark.kwargs.get("name", mark.args[0] if mark.args else "")) for mark in item.iter_markers("xdist_group")
    }


def _transactional(item: pytest.Item) -> bool:
    """pytest-django's own test of a transactional test (marker or live server)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    return bool(
        (marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests that flush Redis (``xdist_group("redis-flush")``: the smoke run, the reminders'
    kill -9 faults) are one unit of work for xdist's ``loadgroup``, some minutes in one process.
    pytest-django has sorted the tests as Django does: those in a rolled-back transaction, then
    the transactional ones (which end with a flush), then those without a database. Within the
    transactional part the unit sat after the browser tests and ran alone at the end; it is put
    first in that part, never before a rolled-back test (which would then find its data flushed)."""
    # A transactional test without ``serialized_rollback`` ends with a flush that re-creates the
    # content types under new ids (Django's post_migrate), and every later transactional test of
    # the process then fails on the restored rows' foreign keys: refused here, by name.
    unrestored = [
        item.nodeid
        for item in items
        if _transactional(item)
        and not ((marker := item.get_closest_marker("django_db")) and marker.kwargs.get("serialized_rollback"))
    ]
    if unrestored:
        raise pytest.UsageError(
            "Transactional tests without serialized_rollback=True (see tests/conftest.py): " + ", ".join(unrestored)
        )
    group = [item for item in items if "redis-flush" in _groups(item)]
    if not group:
        return
    chosen = {id(item) for item in group}
    rest = [item for item in items if id(item) not in chosen]
    first = next((index for index, item in enumerate(rest) if _transactional(item)), len(rest))
    items[:] = rest[:first] + group + rest[first:]
