"""The PAQTE permissions of the role groups, as data (never assigned in code).

Prefecture roles act only where guardian grants them ``reference.work_in_department``;
national roles have no département grant: the CGET référent reviews, the administrator reads.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Agent de préfecture": ["view_paqte", "work_paqte"],
    "Référent PAQTE": ["view_paqte", "work_paqte"],
    "Valideur préfectoral": ["view_paqte", "validate_paqte"],
    "Référent CGET": ["view_paqte", "review_paqte"],
    "Administrateur national": ["view_paqte"],
}
ALL_CODENAMES = ["view_paqte", "work_paqte", "validate_paqte", "review_paqte"]


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
        ("workflows", "0002_paqte_key_indicators"),
        ("accounts", "0003_role_groups_view_process"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
