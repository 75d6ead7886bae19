"""Shared fixtures. The reference data (real INSEE/ANCT files) is imported once per test
database and re-serialised, so that transactional tests (live server, browser) can restore
it with ``serialized_rollback``.

Test databases are created afresh for each run (no ``--reuse-db``): a transactional test ends
with a flush that also empties the rows of data migrations (role groups and their
permissions), which a reused database would then lack."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.db import connection, connections
from django.test import Client

import pytest

from accounts.models import Organisation, Role, User
from accounts.services import organisations_ensure
from reference.models import Department
from reference.services.importer import reference_import
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reference_import(data_dir=settings.REFERENCE_DATA_DIR)
        organisations_ensure()
        # What transactional tests restore after their flush (Django's serialized rollback).
        snapshot = connection.creation.serialize_db_to_string()
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


@pytest.fixture
def make_user(db: None) -> MakeUser:
    """``make_user(Role.AGENT, "59")``: a user of that role in that département's préfecture."""

    def make(role: Role, department_code: str | None = None, **kwargs: object) -> User:
        if department_code is None:
            organisation = Organisation.objects.get(kind=Organisation.Kind.CGET)
        else:
            organisation = Organisation.objects.get(department__code=department_code)
        return cast(User, UserFactory(role=role, organisation=organisation, **kwargs))

    return make


@pytest.fixture
def client_for(make_user: MakeUser) -> Callable[..., Client]:
    def make(role: Role | None, department_code: str | None = None) -> Client:
        client = Client()
        if role is not None:
            client.force_login(make_user(role, department_code))
        return client

    return make
