"""The synthesis permissions data migration, run backwards and forwards on its historical models."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

import pytest

pytestmark = pytest.mark.django_db

MIGRATION = import_module("workflows.migrations.0111_synthesis_role_permissions")


def perms(group: str) -> set[str]:
    return set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="workflows", codename__contains="synthesis")
        .values_list("codename", flat=True)
    )


def historical_apps() -> Any:
    return MigrationLoader(connection).project_state(("workflows", "0111_synthesis_role_permissions")).apps


def test_synthesis_permissions_migration_is_reversible() -> None:
    assert perms("Agent de préfecture") == {"work_synthesis", "view_synthesisprocess"}
    assert perms("Valideur préfectoral") == {"validate_synthesis", "view_synthesisprocess"}
    assert perms("Référent CGET") == {"review_synthesis", "view_synthesisprocess"}
    assert perms("Référent PAQTE") == perms("Administrateur national") == {"view_synthesisprocess"}
    MIGRATION.revoke(historical_apps(), None)
    assert all(not perms(group) for group in MIGRATION.ROLE_PERMISSIONS)
    MIGRATION.grant(historical_apps(), None)
    assert perms("Référent CGET") == {"review_synthesis", "view_synthesisprocess"}
