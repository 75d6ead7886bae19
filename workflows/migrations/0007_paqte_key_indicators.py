"""The predefined key indicators of the PAQTE, as data (circular of 22 January 2019, annex 2,
§ 1, and the PAQTE press kit it points to). The first indicator of each axis is the one a
charter convention's target is carried over to on migration."""

from django.db import migrations

KEY_INDICATORS = [
    # (code, axis, label, unit)
    ("stages-3e-rep-plus", "awareness", "Stages de troisième proposés à des élèves de collèges REP+", "stages"),
    (
        "decouverte-entreprise-qpv",
        "awareness",
        "Jeunes des QPV accueillis dans des actions de découverte de l'entreprise (visites, parrainage)",
        "jeunes",
    ),
    ("alternance", "training", "Contrats en alternance (apprentissage, professionnalisation) conclus", "contrats"),
    ("alternance-qpv", "training", "Contrats en alternance conclus avec des habitants des QPV", "contrats"),
    ("recrutements-qpv", "hiring", "Recrutements d'habitants des QPV", "recrutements"),
    (
        "recrutement-simulation",
        "hiring",
        "Recrutements par la méthode de recrutement par simulation (MRS) ou sans CV",
        "recrutements",
    ),
    ("achats-entreprises-qpv", "purchasing", "Achats auprès d'entreprises implantées dans les QPV", "euros"),
    (
        "achats-inclusifs",
        "purchasing",
        "Achats auprès d'entreprises inclusives (insertion par l'activité économique, secteur adapté et protégé)",
        "euros",
    ),
]


def load(apps, schema_editor):
    KeyIndicator = apps.get_model("workflows", "KeyIndicator")
    for position, (code, axis, label, unit) in enumerate(KEY_INDICATORS, start=1):
        KeyIndicator.objects.update_or_create(
            code=code, defaults={"axis": axis, "label": label, "unit": unit, "position": position}
        )


def unload(apps, schema_editor):
    apps.get_model("workflows", "KeyIndicator").objects.filter(code__in=[row[0] for row in KEY_INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0006_inbox")]

    operations = [migrations.RunPython(load, unload)]
