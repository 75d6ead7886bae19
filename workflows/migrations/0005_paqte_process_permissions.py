"""Every role reads PAQTE processes (``workflows.view_paqteprocess``): without it viewflow hides
the PAQTE flows from the inbox and queue. Which tasks are shown stays scoped by département."""

from django.db import migrations

ROLE_GROUPS = [
    "Agent de préfecture",
    "Référent PAQTE",
    "Valideur préfectoral",
    "Référent CGET",
    "Administrateur national",
]


def _view_paqteprocess(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("workflows")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="workflows", codename="view_paqteprocess"
    )


def grant(apps, schema_editor):
    permission = _view_paqteprocess(apps)
    for name in ROLE_GROUPS:
        group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    permission = _view_paqteprocess(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0004_paqte_processes")]

    operations = [migrations.RunPython(grant, revoke)]
