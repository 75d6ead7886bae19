# The history of the PAQTE's semester results: each recording kept (SemesterResult keeps the last value).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0014_party_contact_and_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SemesterResultRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='année')),
                ('semester', models.PositiveSmallIntegerField(choices=[(1, '1er semestre'), (2, '2d semestre')], verbose_name='semestre')),
                ('value', models.PositiveIntegerField(verbose_name='réalisé')),
                ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='saisi le')),
                ('objective', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='result_records', to='workflows.objective')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': "saisie d'un résultat semestriel",
                'verbose_name_plural': 'historique des résultats semestriels',
                'ordering': ['at', 'pk'],
                'indexes': [models.Index(fields=['objective', 'year', 'semester', 'at'], name='workflows_s_objecti_4a303a_idx')],
            },
        ),
    ]
