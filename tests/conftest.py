"""Shared fixtures. The reference data (real INSEE/ANCT files) is imported once per test
database and re-serialised, so that transactional tests (live server, browser) can restore
it with ``serialized_rollback``."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import cast

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client

import pytest

from accounts.models import Organisation, Role, User
from accounts.services import organisations_ensure
from reference.models import Department
from reference.services.importer import reference_import
from tests.factories import UserFactory


def ensure_role_groups() -> None:
    """Re-apply the role groups of the data migrations: a transactional test's flush in an
    earlier run of a reused test database deletes them."""
    role_groups = import_module("accounts.migrations.0002_role_groups").ROLE_PERMISSIONS
    view_process = Permission.objects.get(content_type__app_label="viewflow", codename="view_process")
    for name, perms in role_groups.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in (perm.split(".") for perm in perms)
        ]
        group.permissions.set([*wanted, view_process])
    # Issue #3: the renovation permissions of workflows' data migration.
    for name, perms in import_module("workflows.migrations.0003_role_permissions").ROLE_PERMISSIONS.items():
        Group.objects.get(name=name).permissions.add(
            *(Permission.objects.get(content_type__app_label="workflows", codename=p.split(".")[1]) for p in perms)
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_role_groups()
        reference_import(data_dir=settings.REFERENCE_DATA_DIR)
        organisations_ensure()
        # What transactional tests restore after their flush (Django's serialized rollback).
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()  # type: ignore[attr-defined]
        SERIALIZED.append(connection._test_serialized_contents)  # type: ignore[attr-defined]


# The serialized reference data, restored by ``reference_data_restored`` below when needed.
SERIALIZED: list[str] = []


@pytest.fixture(autouse=True)
def reference_data_restored(request: pytest.FixtureRequest) -> None:
    """Issue #3 (more transactional tests): when one transactional test follows another on a
    worker, Django's serialized rollback can be skipped (the connection it checks lacks
    ``_test_serialized_contents``: the flush re-runs post_migrate and nothing is restored).
    Flush again without post_migrate and restore the session's serialized data."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    if SERIALIZED and not Organisation.objects.exists():
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(SERIALIZED[0])


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
