"""The renovation permissions data migration, run backwards and forwards on its historical
models (STYLE: each data migration gets a test running it from one migration to the next)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

import pytest

pytestmark = pytest.mark.django_db

MIGRATION = import_module("workflows.migrations.0003_role_permissions")


def perms(group: str) -> set[str]:
    """The group's renovation permissions (the PAQTE ones belong to other migrations)."""
    return set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="workflows", codename__contains="renewal")
        .values_list("codename", flat=True)
    )


def historical_apps() -> Any:
    return MigrationLoader(connection).project_state(("workflows", "0003_role_permissions")).apps


def test_role_permissions_migration_is_reversible() -> None:
    assert perms("Valideur préfectoral") == {"view_renewal", "view_renewalprocess", "validate_renewal"}
    MIGRATION.revoke(historical_apps(), None)
    assert perms("Valideur préfectoral") == set() and perms("Référent CGET") == set()
    MIGRATION.grant(historical_apps(), None)
    assert perms("Référent CGET") == {"view_renewal", "view_renewalprocess", "review_renewal"}
    assert "launch_all_renewals" in perms("Administrateur national")
    assert "work_renewal" in perms("Agent de préfecture") and "work_renewal" not in perms("Référent PAQTE")
