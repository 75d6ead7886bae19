"""Renovation permissions of the role groups, as data. ``view_renewalprocess`` lets
viewflow show the flow in inboxes and queues (its ``has_view_permission`` on the proxy). Scope by département stays
with the guardian grants; these only say what each role does."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Agent de préfecture": ["workflows.view_renewal", "workflows.view_renewalprocess", "workflows.work_renewal"],
    "Référent PAQTE": ["workflows.view_renewal", "workflows.view_renewalprocess"],
    "Valideur préfectoral": ["workflows.view_renewal", "workflows.view_renewalprocess", "workflows.validate_renewal"],
    "Référent CGET": ["workflows.view_renewal", "workflows.view_renewalprocess", "workflows.review_renewal"],
    "Administrateur national": [
        "workflows.view_renewal",
        "workflows.view_renewalprocess",
        "workflows.launch_all_renewals",
        "workflows.view_renewaltransition",
        "workflows.view_commitment",
        "workflows.view_renewaldocument",
    ],
}


def _permissions(apps, perms):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("workflows")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(content_type__app_label="workflows", codename=perm.split(".")[1]) for perm in perms]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, perms))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, perms in ROLE_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*_permissions(apps, perms))


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_task_indexes"),
        ("accounts", "0003_role_groups_view_process"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
