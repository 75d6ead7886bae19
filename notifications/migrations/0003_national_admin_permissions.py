"""The administrateur national edits the campaign calendar and the reminder rules in the
admin: model permissions given to the role's group as data (pattern of accounts 0002)."""

from django.db import migrations

GROUP = "Administrateur national"
PERMISSIONS = [
    "view_campaign",
    "change_campaign",
    "view_deadlinedefinition",
    "change_deadlinedefinition",
    "view_reminderrule",
    "add_reminderrule",
    "change_reminderrule",
    "delete_reminderrule",
    "view_deadline",
    "view_reminder",
]


def _permissions(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("notifications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    return list(
        apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="notifications", codename__in=PERMISSIONS
        )
    )


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name=GROUP):
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_campaign_2019"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
