"""Shared fixtures. The reference data (real INSEE/ANCT files) is imported once per test
database and re-serialised, so that transactional tests (live server, browser) can restore
it with ``serialized_rollback``."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import cast

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
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
    # Issue #4: the reminder rules and campaign calendar of the administrateur national.
    notifications = import_module("notifications.migrations.0003_national_admin_permissions")
    Group.objects.get(name=notifications.GROUP).permissions.add(
        *Permission.objects.filter(content_type__app_label="notifications", codename__in=notifications.PERMISSIONS)
    )
    # ... and the 2019 campaign of its data migration (idempotent), flushed the same way.
    import_module("notifications.migrations.0002_campaign_2019").seed(django_apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_role_groups()
        reference_import(data_dir=settings.REFERENCE_DATA_DIR)
        organisations_ensure()
        # What transactional tests restore after their flush (Django's serialized rollback).
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()  # type: ignore[attr-defined]


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
