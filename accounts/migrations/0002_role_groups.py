"""One Django group per role, with its model permissions as data (never assigned in code).

The national reach of the CGET roles is the *global* ``reference.view_department``
permission; prefecture roles get département objects through guardian grants instead.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "Agent de préfecture": [],
    "Référent PAQTE": [],
    "Valideur préfectoral": [],
    "Référent CGET": [
        "reference.view_department",
    ],
    "Administrateur national": [
        "reference.view_department",
        "reference.view_region",
        "reference.view_epci",
        "reference.view_qpv",
        "reference.view_citycontract",
        "reference.view_measure",
        "reference.change_measure",
        "reference.view_measureindicator",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_organisation",
        "accounts.change_organisation",
        "accounts.view_departmentuserobjectpermission",
        "accounts.add_departmentuserobjectpermission",
        "accounts.change_departmentuserobjectpermission",
        "accounts.delete_departmentuserobjectpermission",
        "accounts.view_departmentgroupobjectpermission",
        "accounts.add_departmentgroupobjectpermission",
        "accounts.delete_departmentgroupobjectpermission",
        "auth.view_group",
    ],
}


def _ensure_permissions(apps):
    # Permissions are normally created after migrate; make them exist now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_role_groups(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def delete_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("reference", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, delete_role_groups)]
