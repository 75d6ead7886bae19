"""The follow-up deadline definition (notifications data migration 0030), run backwards and
forwards on its historical models (STYLE: each data migration gets a test)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader

import pytest

from notifications.models import DeadlineDefinition

pytestmark = pytest.mark.django_db

MIGRATION = import_module("notifications.migrations.0030_commitment_follow_up_definition")


def historical_apps() -> Any:
    state = ("notifications", "0030_commitment_follow_up_definition")
    return MigrationLoader(connection).project_state(state).apps


def test_definition_migration_is_reversible_and_idempotent() -> None:
    definition = DeadlineDefinition.objects.get(code="commitment-follow-up", campaign__code="2019")
    assert (definition.kind, definition.scope, definition.due_on) == ("relative", "case", None)
    MIGRATION.unseed(historical_apps(), None)
    assert not DeadlineDefinition.objects.filter(code="commitment-follow-up").exists()
    MIGRATION.seed(historical_apps(), None)
    MIGRATION.seed(historical_apps(), None)
    assert DeadlineDefinition.objects.filter(code="commitment-follow-up").count() == 1
