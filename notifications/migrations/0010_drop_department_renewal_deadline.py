"""One renovation deadline, not two.

Migration 0002 shipped two definitions for 31 July 2019: ``renewal-signed`` (one deadline per
département) and ``city-contract-renewal`` (one per renovation case, created at launch by
``workflows.renewal.services`` and met at signature). Both reminded, so the agents got two reminders
for the same date. The per-case one stays: it is met contract by contract and links to the
case. This deletes the département-wide definition with its generated deadlines (and their
outbox rows, by cascade). Reversible: going back recreates the definition with the values of
0002, and the next sweep regenerates its deadlines.
"""

import datetime as dt

from django.db import migrations

CODE = "renewal-signed"
DEFINITION = {
    "title": "Rénovation des contrats de ville signée",
    "kind": "fixed",
    "scope": "department",
    "due_on": dt.date(2019, 7, 31),
    "offset_years": 0,
    "link_path": "/taches/",
}


def drop(apps, schema_editor):
    apps.get_model("notifications", "DeadlineDefinition").objects.filter(campaign__code="2019", code=CODE).delete()


def restore(apps, schema_editor):
    campaign = apps.get_model("notifications", "Campaign").objects.filter(code="2019").first()
    if campaign is not None:
        apps.get_model("notifications", "DeadlineDefinition").objects.update_or_create(
            campaign=campaign, code=CODE, defaults=DEFINITION
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_national_admin_permissions")]

    operations = [migrations.RunPython(drop, restore)]
