"""The renovation permissions data migration, run backwards and forwards (STYLE: each data
migration gets a test running it from one migration to the next)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

pytestmark = pytest.mark.django_db


def perms(group: str) -> set[str]:
    return set(
        Group.objects.get(name=group)
        .permissions.filter(content_type__app_label="workflows")
        .values_list("codename", flat=True)
    )


def migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_role_permissions_migration_is_reversible() -> None:
    assert perms("Valideur préfectoral") == {"view_renewal", "view_renewalprocess", "validate_renewal"}
    migrate(("workflows", "0002_task_indexes"))
    assert perms("Valideur préfectoral") == set() and perms("Référent CGET") == set()
    migrate(("workflows", "0003_role_permissions"))
    assert perms("Référent CGET") == {"view_renewal", "view_renewalprocess", "review_renewal"}
    assert "launch_all_renewals" in perms("Administrateur national")
    assert "work_renewal" in perms("Agent de préfecture") and "work_renewal" not in perms("Référent PAQTE")
