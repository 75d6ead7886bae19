"""Every role reads workflow processes (viewflow's ``view_process``): without it viewflow hides
the flows from the inbox and queue. Which cases are shown stays scoped by département."""

from django.db import migrations

ROLE_GROUPS = [
    "Agent de préfecture",
    "Référent PAQTE",
    "Valideur préfectoral",
    "Référent CGET",
    "Administrateur national",
]


def _view_process(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("viewflow")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    return apps.get_model("auth", "Permission").objects.get(content_type__app_label="viewflow", codename="view_process")


def grant(apps, schema_editor):
    permission = _view_process(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    permission = _view_process(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
