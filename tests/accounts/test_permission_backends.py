"""``User.has_perm`` asks the backends loaded once (``accounts.backends.permission_backends``),
with Django's rule: an active superuser has everything, else the first backend that says yes,
and a backend that raises ``PermissionDenied`` refuses at once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.test import override_settings

import pytest

from accounts.backends import permission_backends
from accounts.models import Role
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


class GrantsEverything:
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return True


class RefusesEverything(GrantsEverything):
    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        raise PermissionDenied


def test_the_backends_are_built_once_per_list_of_backends() -> None:
    assert permission_backends() is permission_backends()
    with override_settings(AUTHENTICATION_BACKENDS=[f"{__name__}.GrantsEverything"]):
        assert [type(backend) for backend in permission_backends()] == [GrantsEverything]


def test_a_changed_list_of_backends_is_the_one_asked(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    assert not agent.has_perm("workflows.review_renewal")
    with override_settings(AUTHENTICATION_BACKENDS=[f"{__name__}.GrantsEverything"]):
        assert agent.has_perm("workflows.review_renewal")
    with override_settings(AUTHENTICATION_BACKENDS=[f"{__name__}.RefusesEverything", f"{__name__}.GrantsEverything"]):
        assert not agent.has_perm("workflows.work_renewal")  # refused before the next is asked
    assert agent.has_perm("workflows.work_renewal")  # the role's permission, as before


def test_an_active_superuser_has_every_permission_an_inactive_one_none(make_user: MakeUser) -> None:
    admin = make_user(Role.NATIONAL_ADMIN, None, is_superuser=True)
    assert admin.has_perm("anything.at_all")
    admin.is_active = False
    assert not admin.has_perm("workflows.work_renewal")
