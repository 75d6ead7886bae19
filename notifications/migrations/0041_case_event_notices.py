"""In-app notices of case events and per-event email preferences; the outbox carries their emails."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _drop_notice_emails(apps, schema_editor):
    """Going back: the outbox rows of notices cannot exist without a deadline."""
    apps.get_model("notifications", "Reminder").objects.filter(notice__isnull=False).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('notifications', '0040_campaign_clock'),
        ('reference', '0002_measure_level_change'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reminder',
            name='frequency',
            field=models.CharField(blank=True, db_default='', default='', max_length=10, verbose_name='envoi'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='deadline',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='notifications.deadline'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='rule',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='notifications.reminderrule'),
        ),
        migrations.CreateModel(
            name='EventPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(choices=[('returned', 'un dossier vous est renvoyé'), ('submitted', 'un dossier arrive dans votre file'), ('approved', 'un dossier est approuvé'), ('signed', 'un dossier est signé'), ('other', "autre changement d'un dossier suivi")], max_length=20, verbose_name='événement')),
                ('frequency', models.CharField(choices=[('immediate', 'un courriel aussitôt'), ('digest', 'dans le récapitulatif quotidien'), ('never', 'jamais (seulement dans Quartiers)')], default='immediate', max_length=10, verbose_name='courriel')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='event_preferences', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'préférence par événement',
                'verbose_name_plural': 'préférences par événement',
            },
        ),
        migrations.CreateModel(
            name='Notice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(max_length=20, verbose_name='événement')),
                ('key', models.CharField(editable=False, max_length=160, unique=True)),
                ('title', models.CharField(max_length=250, verbose_name='intitulé')),
                ('body', models.TextField(blank=True, verbose_name='détail')),
                ('link_path', models.CharField(blank=True, max_length=200, verbose_name='lien')),
                ('case_id', models.PositiveBigIntegerField(null=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='le')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='lue le')),
                ('case_type', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reference.department')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'avis',
                'verbose_name_plural': 'avis',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.AddField(
            model_name='reminder',
            name='notice',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='email', to='notifications.notice'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('deadline__isnull', False), ('notice__isnull', True), ('rule__isnull', False)), models.Q(('deadline__isnull', True), ('notice__isnull', False), ('rule__isnull', True)), _connector='OR'), name='reminder_deadline_or_notice'),
        ),
        migrations.AddConstraint(
            model_name='eventpreference',
            constraint=models.UniqueConstraint(fields=('user', 'event'), name='eventpreference_unique'),
        ),
        migrations.AddIndex(
            model_name='notice',
            index=models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient'], name='notice_unread_idx'),
        ),
        migrations.AddIndex(
            model_name='notice',
            index=models.Index(fields=['recipient', '-created_at'], name='notice_recipient_idx'),
        ),
        migrations.RunPython(migrations.RunPython.noop, _drop_notice_emails),
    ]
