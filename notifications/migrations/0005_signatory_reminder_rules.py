"""The default « per party » reminder rules of the 2019 campaign: each party of a renovation's
protocol that has not signed (nor refused) is reminded at its contact address 30 and 7 days before
the campaign's signature date (the « city-contract-renewal » deadline, met at signature). The
administrateur national edits them in the admin like the other rules."""

from django.db import migrations

RULES = [("Signataires – 30 jours avant", 30), ("Signataires – 7 jours avant", 7)]


def seed(apps, schema_editor):
    Campaign = apps.get_model("notifications", "Campaign")
    Definition = apps.get_model("notifications", "DeadlineDefinition")
    Rule = apps.get_model("notifications", "ReminderRule")
    campaign = Campaign.objects.filter(code="2019").first()
    if campaign is None:
        return
    definition = Definition.objects.filter(campaign=campaign, code="city-contract-renewal").first()
    for name, days in RULES:
        Rule.objects.get_or_create(
            campaign=campaign,
            name=name,
            defaults={"kind": "party", "days": days, "recipient_role": "", "definition": definition},
        )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "ReminderRule").objects.filter(
        kind="party", name__in=[n for n, _ in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_reminders_to_parties")]

    operations = [migrations.RunPython(seed, unseed)]
