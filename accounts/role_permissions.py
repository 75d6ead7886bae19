"""The one helper the role-permission data migrations use.

Each role is a Django group (``accounts.services`` looks it up by the role's label); what a role
may do is given to its group as data, in migrations, never assigned in code. Scope by
département stays with the guardian grants: these permissions only say what each role does.

A migration declares its table ``{group name: ["app_label.codename", ...]}`` and runs
``RolePermissions(table)``; going back removes exactly what it added (groups it created
included, when they are left empty).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import migrations

RoleTable = Mapping[str, Sequence[str]]


def _permissions_exist(apps: Any) -> None:
    # Django creates permissions after ``migrate``; a data migration needs them now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _permissions(apps: Any, names: Sequence[str]) -> list[Any]:
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def role_permissions_grant(apps: Any, table: RoleTable) -> None:
    _permissions_exist(apps)
    Group = apps.get_model("auth", "Group")
    for name, names in table.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, names))


def role_permissions_revoke(apps: Any, table: RoleTable) -> None:
    _permissions_exist(apps)
    Group = apps.get_model("auth", "Group")
    for name, names in table.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*_permissions(apps, names))
            if not group.permissions.exists() and not group.user_set.exists():
                group.delete()


def role_permissions_operation(table: RoleTable) -> migrations.RunPython:
    """The migration operation granting ``table`` forwards and revoking it backwards."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        role_permissions_grant(apps, table)

    def backwards(apps: Any, schema_editor: Any) -> None:
        role_permissions_revoke(apps, table)

    return migrations.RunPython(forwards, backwards)
