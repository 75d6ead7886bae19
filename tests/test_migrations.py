"""The migration history of the project's apps, and its data migrations run backwards and
forwards on their historical models (STYLE: each data migration gets a test running it both ways).

The history was written once from the final models (nothing was released before): linear, one
concern each, descriptive names. Later changes are small and reversible.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

import pytest

from accounts.models import Role
from accounts.role_permissions import role_permissions_grant, role_permissions_revoke
from notifications.models import Campaign, DeadlineDefinition, ReminderRule
from workflows.models import KeyIndicator

pytestmark = pytest.mark.django_db

APPS = ("accounts", "notifications", "reference", "workflows")
ROLES = import_module("accounts.migrations.0003_role_groups_and_permissions")
CAMPAIGN = import_module("notifications.migrations.0002_campaign_2019")
INDICATORS = import_module("workflows.migrations.0007_paqte_key_indicators")


def loader() -> MigrationLoader:
    return MigrationLoader(connection)


def historical_apps(app: str, name: str) -> Any:
    return loader().project_state((app, name)).apps


@pytest.mark.parametrize("app", APPS)
def test_each_app_has_a_linear_history_with_descriptive_names(app: str) -> None:
    graph = loader().graph
    nodes = sorted(key for key in graph.nodes if key[0] == app)
    assert nodes, app
    assert len(graph.leaf_nodes(app)) == 1, graph.leaf_nodes(app)
    numbers = [name.split("_", 1)[0] for _, name in nodes]
    assert numbers == [f"{n:04d}" for n in range(1, len(nodes) + 1)], numbers  # 0001, 0002, … no gap, no twin
    for key in nodes:
        parents_here = [parent for parent in graph.node_map[key].parents if parent.key[0] == app]
        assert len(parents_here) <= 1, f"{key} merges {parents_here}"
        name = key[1].split("_", 1)[1]
        assert name != "initial" and not name.startswith("auto_") and "merge" not in name, key


def group_permissions() -> dict[str, set[str]]:
    return {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.prefetch_related("permissions")
    }


def test_every_role_has_its_group_with_exactly_the_migrations_permissions() -> None:
    groups = group_permissions()
    assert set(ROLES.ROLES) == {role.label for role in Role}
    for name, permissions in ROLES.ROLES.items():
        assert set(permissions) <= groups[name], name
    # What each role does, read from the table (spot checks of the circular's division of work).
    assert "workflows.validate_renewal" in groups[str(Role.PREFECT_VALIDATOR.label)]
    assert "workflows.review_renewal" in groups[str(Role.CGET_REFERENT.label)]
    assert "workflows.work_renewal" in groups[str(Role.AGENT.label)]
    assert "workflows.work_renewal" not in groups[str(Role.PAQTE_REFERENT.label)]
    assert "reference.view_department" in groups[str(Role.CGET_REFERENT.label)]
    assert "reference.view_department" not in groups[str(Role.AGENT.label)]


def test_the_role_permissions_migration_runs_backwards_and_forwards() -> None:
    apps = historical_apps("accounts", "0003_role_groups_and_permissions")
    before = group_permissions()
    role_permissions_revoke(apps, ROLES.ROLES)
    after_revoke = group_permissions()
    for name, permissions in ROLES.ROLES.items():
        assert not set(permissions) & after_revoke.get(name, set()), name
    role_permissions_grant(apps, ROLES.ROLES)
    assert group_permissions() == before
    role_permissions_grant(apps, ROLES.ROLES)  # idempotent
    assert group_permissions() == before


def test_a_group_with_members_survives_the_revocation_of_its_permissions(make_user: Any) -> None:
    apps = historical_apps("accounts", "0003_role_groups_and_permissions")
    make_user(Role.AGENT, "59")
    # what 0012, 0018 and 0019 add on top
    later = import_module("workflows.migrations.0012_national_admin_case_admin").ROLES
    parties = import_module("workflows.migrations.0018_national_admin_party_admin").ROLES
    results = import_module("workflows.migrations.0019_national_admin_result_history_admin").ROLES
    role_permissions_revoke(apps, results)
    role_permissions_revoke(apps, parties)
    role_permissions_revoke(apps, later)
    role_permissions_revoke(apps, ROLES.ROLES)
    assert Group.objects.filter(name=Role.AGENT.label).exists()  # its member keeps it
    assert not Group.objects.filter(name=Role.NATIONAL_ADMIN.label).exists()  # empty: removed with its rights
    role_permissions_grant(apps, ROLES.ROLES)
    role_permissions_grant(apps, later)
    role_permissions_grant(apps, parties)
    role_permissions_grant(apps, results)
    assert Group.objects.filter(name=Role.NATIONAL_ADMIN.label).exists()


def calendar() -> dict[str, Any]:
    """Everything the campaign migration writes, without ids (which a re-run changes)."""
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
        # notifications 0005's per-party rules are tested on their own
        "rules": sorted(
            ReminderRule.objects.exclude(kind="party").values_list(
                "campaign__code", "name", "kind", "days", "recipient_role"
            ),
            key=str,
        ),
    }


def test_the_2019_campaign_runs_backwards_and_forwards_to_the_same_calendar() -> None:
    apps = historical_apps("notifications", "0002_campaign_2019")
    before = calendar()
    codes = {row[1] for row in before["definitions"]}
    # The circular's deadlines: one renovation deadline per case (not a second one per département).
    assert codes == {row[0] for row in CAMPAIGN.DEFINITIONS}
    assert "city-contract-renewal" in codes and "renewal-signed" not in codes
    assert DeadlineDefinition.objects.get(code="paqte-convention-end").offset_days == -1
    assert len(before["rules"]) == len(CAMPAIGN.RULES) == 5

    CAMPAIGN.unseed(apps, None)
    assert not Campaign.objects.exists() and not DeadlineDefinition.objects.exists()
    assert not ReminderRule.objects.exists()
    CAMPAIGN.seed(apps, None)
    assert calendar() == before
    CAMPAIGN.seed(apps, None)  # idempotent
    assert calendar() == before


def test_the_per_party_reminder_rules_run_backwards_and_forwards() -> None:
    apps = historical_apps("notifications", "0005_signatory_reminder_rules")
    rules = import_module("notifications.migrations.0005_signatory_reminder_rules")

    def party_rules() -> list[tuple[Any, ...]]:
        return sorted(ReminderRule.objects.filter(kind="party").values_list("name", "days", "definition__code"))

    before = party_rules()
    assert before == [
        ("Signataires – 30 jours avant", 30, "city-contract-renewal"),
        ("Signataires – 7 jours avant", 7, "city-contract-renewal"),
    ]
    rules.unseed(apps, None)
    assert party_rules() == []
    rules.seed(apps, None)
    rules.seed(apps, None)  # idempotent
    assert party_rules() == before


def indicators() -> list[tuple[Any, ...]]:
    return list(KeyIndicator.objects.order_by("position").values_list("code", "axis", "label", "unit", "position"))


def test_the_key_indicators_run_backwards_and_forwards() -> None:
    apps = historical_apps("workflows", "0007_paqte_key_indicators")
    before = indicators()
    assert len(before) == len(INDICATORS.KEY_INDICATORS) == 8
    assert {row[1] for row in before} == {"awareness", "training", "hiring", "purchasing"}  # the four axes of annex 2
    INDICATORS.unload(apps, None)
    assert not KeyIndicator.objects.exists()
    INDICATORS.load(apps, None)
    INDICATORS.load(apps, None)
    assert (
        list(KeyIndicator.objects.order_by("position").values_list("code", "axis", "label", "unit", "position"))
        == before
    )


def test_the_inbox_indexes_exist_on_viewflows_tables() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'quartiers_%'")
        names = {row[0] for row in cursor.fetchall()}
    indexes = set(import_module("workflows.migrations.0008_task_and_process_indexes").INDEXES)
    later = {
        import_module(f"workflows.migrations.{name}").NAME
        for name in ("0017_task_open_by_process_index", "0020_task_open_by_role_index")
    }
    assert names == indexes | later


def test_the_national_admin_case_admin_permissions_run_backwards_and_forwards() -> None:
    """workflows 0012: view and change on the case models, view on their histories; no add nor delete."""
    admin_cases = import_module("workflows.migrations.0012_national_admin_case_admin")
    apps = historical_apps("workflows", "0012_national_admin_case_admin")
    group = str(Role.NATIONAL_ADMIN.label)
    before = group_permissions()
    granted = set(admin_cases.ROLES[group])
    assert granted <= before[group]
    assert {"workflows.change_renewal", "workflows.view_paqtehistory", "workflows.change_meeting"} <= granted
    assert not any(name.split(".")[1].startswith(("add_", "delete_")) for name in granted)
    assert not any(name.startswith("workflows.change_") and name.endswith("history") for name in granted)
    role_permissions_revoke(apps, admin_cases.ROLES)
    assert not granted & group_permissions()[group]
    role_permissions_grant(apps, admin_cases.ROLES)
    assert group_permissions() == before


def test_the_result_history_admin_permission_runs_backwards_and_forwards() -> None:
    """workflows 0019: view only on the PAQTE results' history (each recording written once)."""
    migration = import_module("workflows.migrations.0019_national_admin_result_history_admin")
    apps = historical_apps("workflows", "0019_national_admin_result_history_admin")
    group = str(Role.NATIONAL_ADMIN.label)
    before = group_permissions()
    assert migration.ROLES[group] == ["workflows.view_semesterresultrecord"]
    assert "workflows.view_semesterresultrecord" in before[group]
    assert not {"workflows.change_semesterresultrecord", "workflows.delete_semesterresultrecord"} & before[group]
    role_permissions_revoke(apps, migration.ROLES)
    assert "workflows.view_semesterresultrecord" not in group_permissions()[group]
    role_permissions_grant(apps, migration.ROLES)
    assert group_permissions() == before
