"""The administrateur national reads the audit log of the administration (django-auditlog's
``view_logentry``); its admin is read-only, so reading is all the permission gives."""

from django.db import migrations

GROUP = "Administrateur national"


def _view_logentry(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("auditlog")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="auditlog", codename="view_logentry"
    )


def grant(apps, schema_editor):
    permission = _view_logentry(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name=GROUP):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    permission = _view_logentry(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name=GROUP):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_role_groups_view_process"),
        ("auditlog", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
