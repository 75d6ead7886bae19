"""The steering permissions of the role groups, as data (never assigned in code).

Prefecture roles organise the meetings of the départements guardian grants them
(``reference.work_in_department``); national roles read everything.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Agent de préfecture": ["view_steering", "work_steering"],
    "Référent PAQTE": ["view_steering", "work_steering"],
    "Valideur préfectoral": ["view_steering", "work_steering"],
    "Référent CGET": ["view_steering"],
    "Administrateur national": ["view_steering"],
}
ALL_CODENAMES = ["view_steering", "work_steering"]


def _permissions(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("workflows")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return {
        p.codename: p for p in Permission.objects.filter(content_type__app_label="workflows", codename__in=ALL_CODENAMES)
    }


def grant(apps, schema_editor):
    permissions = _permissions(apps)
    Group = apps.get_model("auth", "Group")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permissions[codename] for codename in codenames))


def revoke(apps, schema_editor):
    permissions = _permissions(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS):
        group.permissions.remove(*permissions.values())


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0100_steering_meeting"),
        ("accounts", "0003_role_groups_view_process"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
