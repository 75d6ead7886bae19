"""The deadline definition of the commitment follow-ups: one deadline per follow-up,
its date given by the follow-up itself (``deadline_sync_for_case(..., due_on=...)``), so that a
late follow-up reminds through the campaign's rules like any other deadline."""

from django.db import migrations

CODE = "commitment-follow-up"


def seed(apps, schema_editor):
    Campaign = apps.get_model("notifications", "Campaign")
    Definition = apps.get_model("notifications", "DeadlineDefinition")
    for campaign in Campaign.objects.filter(code="2019"):
        Definition.objects.update_or_create(
            campaign=campaign,
            code=CODE,
            defaults={
                "title": "Suivi d'un engagement du protocole",
                "description": "Relevé de l'indicateur d'un engagement, à la fréquence fixée par le protocole signé.",
                "kind": "relative",
                "scope": "case",
                "due_on": None,
                "offset_years": 0,
                "offset_days": 0,
                "link_path": "/taches/",
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "DeadlineDefinition").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_national_admin_permissions")]

    operations = [migrations.RunPython(seed, unseed)]
