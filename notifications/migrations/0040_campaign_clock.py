from django.db import migrations, models


class Migration(migrations.Migration):
    """The campaign's own clock (``Campaign.clock``): null is the real date."""

    dependencies = [("notifications", "0032_merge_renewal_deadline_paqte_followup")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="clock",
            field=models.DateField(
                blank=True,
                help_text=(
                    "« Aujourd'hui » pour toutes les pages, retards, tableaux de bord, exports, calendriers et "
                    "relances (démonstration, formation). Vide : la date réelle (production)."
                ),
                null=True,
                verbose_name="date de la campagne",
            ),
        ),
    ]
