# The figures of a semestrial PAQTE report as transmitted to the CGET (annex 2), frozen at transmission.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0015_paqte_semester_result_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='semesterreport',
            name='figures_snapshot',
            field=models.JSONField(blank=True, null=True, verbose_name='chiffres transmis'),
        ),
    ]
