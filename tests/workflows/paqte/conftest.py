"""PAQTE fixtures. The session set-up of tests/conftest.py resets the role groups to the
accounts migrations' permissions; the PAQTE permissions of workflows migration 0003 are put
back here, and the snapshot restored by transactional tests is taken again."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.contrib.auth.models import Group, Permission
from django.db import connection

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import company_of, convention_of
from workflows.paqte.models import Company, PaqteConvention


def ensure_paqte_permissions() -> None:
    role_permissions = import_module("workflows.migrations.0003_paqte_role_permissions").ROLE_PERMISSIONS
    for name, codenames in role_permissions.items():
        group, _ = Group.objects.get_or_create(name=name)
        # view_paqteprocess: workflows migration 0005.
        wanted = [*codenames, "view_paqteprocess"]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="workflows", codename__in=wanted))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_paqte_permissions()
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()  # type: ignore[attr-defined]


@pytest.fixture
def agent(make_user: MakeUser) -> User:
    return make_user(Role.AGENT, "59")


@pytest.fixture
def validator(make_user: MakeUser) -> User:
    return make_user(Role.PREFECT_VALIDATOR, "59")


@pytest.fixture
def cget(make_user: MakeUser) -> User:
    return make_user(Role.CGET_REFERENT)


@pytest.fixture
def make_company(db: None) -> Callable[..., Company]:
    return company_of


@pytest.fixture
def make_convention(agent: User, nord: Department) -> Callable[..., PaqteConvention]:
    def make(size: str = Company.Size.PME, state: str = "draft", **kwargs: object) -> PaqteConvention:
        return convention_of(agent, nord, size=size, state=state, **kwargs)  # type: ignore[arg-type]

    return make
