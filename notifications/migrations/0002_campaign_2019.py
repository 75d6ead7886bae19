"""The 2019 campaign as data (circular of 22 January 2019), with the default reminder rules.

Dates of the circular: the référent PAQTE's contact by 15 February 2019, the five-page synthesis
by 15 March 2019, each contrat de ville's renovated protocol signed by 31 July 2019 (one deadline
per renovation, met at its signature), the semestrial PAQTE report and collège des chefs de
service on the last day of each semester from 30 June 2019 to the end of the contrats de ville
(31 December 2022). The charter conventions are turned into PAQTE "d'ici janvier 2020": the
circular gives a month, not a day; default **31 January 2020**, the last day of that month.
A PAQTE convention runs three years: it ends the day before the third anniversary of its
signature. A signed protocol's commitments are followed at the frequency the protocol sets.

The administrateur national moves any of these in the admin; pages, lateness, exports,
reminders and the iCal feed follow (``notifications.campaign``).
"""

import datetime as dt

from django.db import migrations

CAMPAIGN = {
    "code": "2019",
    "name": "Mobilisation nationale pour les quartiers – campagne 2019",
    "starts_on": dt.date(2019, 1, 22),
    "ends_on": dt.date(2022, 12, 31),
}

TASKS, PAQTE_TASKS = "/taches/", "/paqte/taches/"

# (code, title, kind, scope, due_on, offset_years, offset_days, link_path, description)
DEFINITIONS = [
    (
        "referent-paqte-contact",
        "Contact du référent PAQTE transmis au CGET",
        "fixed",
        "department",
        dt.date(2019, 2, 15),
        0,
        0,
        PAQTE_TASKS,
        "",
    ),
    ("synthesis", "Synthèse de cinq pages aux ministres", "fixed", "department", dt.date(2019, 3, 15), 0, 0, TASKS, ""),
    (
        "city-contract-renewal",
        "Rénovation du contrat de ville signée",
        "fixed",
        "case",
        dt.date(2019, 7, 31),
        0,
        0,
        TASKS,
        "",
    ),
    (
        "paqte-semester-report",
        "Bilan semestriel du PAQTE",
        "semestrial",
        "department",
        dt.date(2019, 6, 30),
        0,
        0,
        PAQTE_TASKS,
        "",
    ),
    (
        "service-heads-meeting",
        "Collège des chefs de service",
        "semestrial",
        "department",
        dt.date(2019, 6, 30),
        0,
        0,
        TASKS,
        "",
    ),
    (
        "charter-migration",
        "Conventions « entreprises et quartiers » transformées en PAQTE",
        "fixed",
        "department",
        dt.date(2020, 1, 31),
        0,
        0,
        PAQTE_TASKS,
        "",
    ),
    ("city-contracts-end", "Fin des contrats de ville", "fixed", "department", dt.date(2022, 12, 31), 0, 0, TASKS, ""),
    (
        "paqte-convention-end",
        "Fin de la convention PAQTE (trois ans après la signature)",
        "relative",
        "case",
        None,
        3,
        -1,
        PAQTE_TASKS,
        "",
    ),
    (
        "charter-convention-expiry",
        "Expiration de la convention « entreprises et quartiers »",
        "relative",
        "case",
        None,
        0,
        0,
        PAQTE_TASKS,
        "",
    ),
    (
        "commitment-follow-up",
        "Suivi d'un engagement du protocole",
        "relative",
        "case",
        None,
        0,
        0,
        TASKS,
        "Relevé de l'indicateur d'un engagement, à la fréquence fixée par le protocole signé.",
    ),
]

# (name, kind, days, role)
RULES = [
    ("30 jours avant – agents", "before", 30, "agent"),
    ("7 jours avant – agents", "before", 7, "agent"),
    ("La veille – agents", "before", 1, "agent"),
    ("Le lendemain – valideur préfectoral", "after", 1, "prefect_validator"),
    ("7 jours après – référent CGET", "after", 7, "cget_referent"),
]


def seed(apps, schema_editor):
    Campaign = apps.get_model("notifications", "Campaign")
    Definition = apps.get_model("notifications", "DeadlineDefinition")
    Rule = apps.get_model("notifications", "ReminderRule")
    campaign, _ = Campaign.objects.update_or_create(code=CAMPAIGN["code"], defaults=CAMPAIGN)
    for code, title, kind, scope, due_on, offset_years, offset_days, link_path, description in DEFINITIONS:
        Definition.objects.update_or_create(
            campaign=campaign,
            code=code,
            defaults={
                "title": title,
                "kind": kind,
                "scope": scope,
                "due_on": due_on,
                "offset_years": offset_years,
                "offset_days": offset_days,
                "link_path": link_path,
                "description": description,
            },
        )
    for name, kind, days, role in RULES:
        Rule.objects.get_or_create(
            campaign=campaign, name=name, defaults={"kind": kind, "days": days, "recipient_role": role}
        )


def unseed(apps, schema_editor):
    apps.get_model("notifications", "Campaign").objects.filter(code=CAMPAIGN["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_campaign_deadlines_outbox_and_notices")]

    operations = [migrations.RunPython(seed, unseed)]
