"""The notifications data migrations, run backwards and forwards on their historical models
(STYLE: each data migration gets a test running it from one migration to the next; same way
as tests/workflows/test_migrations.py)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

import pytest

from accounts.models import Role
from notifications.models import Campaign, Deadline, DeadlineDefinition, Reminder, ReminderRule
from notifications.services import deadline_sync_for_case, deadlines_generate
from reference.models import CityContract, Department
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db

CAMPAIGN = import_module("notifications.migrations.0002_campaign_2019")
PERMISSIONS = import_module("notifications.migrations.0003_national_admin_permissions")
ONE_RENEWAL = import_module("notifications.migrations.0010_drop_department_renewal_deadline")
PAQTE_LINKS = import_module("notifications.migrations.0020_paqte_deadlines_follow_the_cases")
FOLLOW_UP = import_module("notifications.migrations.0030_commitment_follow_up_definition")


def historical_apps() -> Any:
    return (
        MigrationLoader(connection).project_state(("notifications", "0032_merge_renewal_deadline_paqte_followup")).apps
    )


def snapshot() -> dict[str, Any]:
    """Everything the data migrations write, without ids (which a re-run changes)."""
    return {
        "campaigns": sorted(Campaign.objects.values_list("code", "name", "starts_on", "ends_on", "is_active")),
        "definitions": sorted(
            DeadlineDefinition.objects.values_list(
                "campaign__code",
                "code",
                "title",
                "description",
                "kind",
                "scope",
                "due_on",
                "offset_years",
                "offset_days",
                "link_path",
            ),
            key=str,
        ),
        "rules": sorted(
            ReminderRule.objects.values_list(
                "campaign__code", "name", "kind", "days", "recipient_role", "department", "definition", "is_active"
            ),
            key=str,
        ),
        "permissions": admin_permissions(),
    }


def admin_permissions() -> set[str]:
    return set(
        Group.objects.get(name=PERMISSIONS.GROUP)
        .permissions.filter(content_type__app_label="notifications", codename__in=PERMISSIONS.PERMISSIONS)
        .values_list("codename", flat=True)
    )


def codes() -> set[str]:
    return set(DeadlineDefinition.objects.filter(campaign__code="2019").values_list("code", flat=True))


def test_the_data_migrations_run_backwards_and_forwards_to_the_same_calendar() -> None:
    apps = historical_apps()
    before = snapshot()
    assert "renewal-signed" not in codes() and "city-contract-renewal" in codes()
    assert len(before["rules"]) == 5 and before["permissions"] == set(PERMISSIONS.PERMISSIONS)

    # Backwards: 0030, 0020, 0010, 0003, 0002.
    FOLLOW_UP.unseed(apps, None)
    assert "commitment-follow-up" not in codes()
    PAQTE_LINKS.backwards(apps, None)
    ONE_RENEWAL.restore(apps, None)
    assert "renewal-signed" in codes()
    PERMISSIONS.revoke(apps, None)
    assert admin_permissions() == set()
    CAMPAIGN.unseed(apps, None)
    assert not Campaign.objects.exists() and not DeadlineDefinition.objects.exists()
    assert not ReminderRule.objects.exists()

    # Forwards again: 0002, 0003, 0010, 0020, 0030.
    CAMPAIGN.seed(apps, None)
    assert len(codes()) == len(CAMPAIGN.DEFINITIONS)
    PERMISSIONS.grant(apps, None)
    ONE_RENEWAL.drop(apps, None)
    PAQTE_LINKS.forwards(apps, None)
    FOLLOW_UP.seed(apps, None)
    assert snapshot() == before

    # Each step is idempotent: running the forward steps twice changes nothing.
    CAMPAIGN.seed(apps, None)
    PERMISSIONS.grant(apps, None)
    ONE_RENEWAL.drop(apps, None)
    PAQTE_LINKS.forwards(apps, None)
    FOLLOW_UP.seed(apps, None)
    assert snapshot() == before


def test_one_renovation_deadline_the_departement_one_goes_with_its_deadlines_and_reminders(
    make_user: MakeUser, nord: Department
) -> None:
    apps = historical_apps()
    agent = make_user(Role.AGENT, "59")
    contract = CityContract.objects.filter(department=nord).order_by("code").first()
    assert contract is not None
    case_deadline = deadline_sync_for_case(case=contract, definition_code="city-contract-renewal", department=nord)

    # As before the migration: the département-wide definition, its deadlines, an outbox row.
    ONE_RENEWAL.restore(apps, None)
    deadlines_generate()
    department_wide = Deadline.objects.filter(definition__code="renewal-signed")
    assert department_wide.count() == Department.objects.count()
    Reminder.objects.create(
        deadline=department_wide.get(department=nord),
        rule=ReminderRule.objects.get(name="7 jours avant – agents"),
        recipient=agent,
        created_at=timezone.now(),
        campaign_day=dt.date(2019, 7, 24),
    )

    ONE_RENEWAL.drop(apps, None)
    assert "renewal-signed" not in codes()
    assert not Deadline.objects.filter(definition__code="renewal-signed").exists()
    assert not Reminder.objects.filter(recipient=agent).exists()
    # The per-case deadline stays, and so does the rest of the calendar.
    assert Deadline.objects.filter(pk=case_deadline.pk, due_on=dt.date(2019, 7, 31)).exists()
    assert deadlines_generate() == 0  # nothing to regenerate: the sweep does not bring it back

    # Backwards: the definition again, its deadlines regenerated by the next sweep.
    ONE_RENEWAL.restore(apps, None)
    assert DeadlineDefinition.objects.get(code="renewal-signed").due_on == dt.date(2019, 7, 31)
    deadlines_generate()
    assert Deadline.objects.filter(definition__code="renewal-signed").count() == Department.objects.count()
