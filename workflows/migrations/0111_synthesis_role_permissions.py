"""The synthesis permissions of the role groups, as data (never assigned in code).

The agent writes the prefect's synthesis, the valideur préfectoral validates and submits it,
the référent CGET reviews it. Reading goes with ``view_steering`` (migration 0101). Every role reads the synthesis processes
(``view_synthesisprocess``): without it viewflow hides the flow from the inbox and queue; which
tasks are shown stays scoped by département and role.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Agent de préfecture": ["work_synthesis", "view_synthesisprocess"],
    "Référent PAQTE": ["view_synthesisprocess"],
    "Valideur préfectoral": ["validate_synthesis", "view_synthesisprocess"],
    "Référent CGET": ["review_synthesis", "view_synthesisprocess"],
    "Administrateur national": ["view_synthesisprocess"],
}
ALL_CODENAMES = ["work_synthesis", "validate_synthesis", "review_synthesis", "view_synthesisprocess"]


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
        ("workflows", "0110_synthesis"),
        ("accounts", "0003_role_groups_view_process"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
