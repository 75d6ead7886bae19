"""Migration 0020 (PAQTE deadlines follow their cases), run backwards and forwards on its
historical models (STYLE: each data migration gets a test running it both ways)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader

import pytest

from notifications.models import Deadline, DeadlineDefinition
from notifications.services import deadlines_generate
from reference.models import Department

pytestmark = pytest.mark.django_db

MIGRATION = import_module("notifications.migrations.0020_paqte_deadlines_follow_the_cases")


def historical_apps() -> Any:
    return MigrationLoader(connection).project_state(("notifications", "0020_paqte_deadlines_follow_the_cases")).apps


def state() -> tuple[int, str, str, str]:
    end = DeadlineDefinition.objects.get(campaign__code="2019", code="paqte-convention-end")
    report = Deadline.objects.filter(definition__code="paqte-semester-report").values_list("link_path", flat=True)
    synthesis = DeadlineDefinition.objects.get(campaign__code="2019", code="synthesis")
    return end.offset_days, end.link_path, ",".join(sorted(set(report))), synthesis.link_path


def test_migration_0020_is_reversible(nord: Department) -> None:
    deadlines_generate()
    assert state() == (-1, "/paqte/taches/", "/paqte/taches/", "/taches/")
    MIGRATION.backwards(historical_apps(), None)
    assert state() == (0, "/taches/", "/taches/", "/taches/")
    MIGRATION.forwards(historical_apps(), None)
    assert state() == (-1, "/paqte/taches/", "/paqte/taches/", "/taches/")
