"""The inbox's own rows: followed cases and saved views (reversible: drops both tables)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reference", "0002_measure_level_change"),
        ("workflows", "0708_synthesis_is_a_submission"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Follow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("case_id", models.PositiveBigIntegerField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="suivi depuis")),
                ("seen_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="dernière visite")),
                (
                    "case_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="follows", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "dossier suivi",
                "verbose_name_plural": "dossiers suivis",
            },
        ),
        migrations.CreateModel(
            name="SavedView",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=80, verbose_name="nom")),
                ("tab", models.CharField(max_length=20, verbose_name="onglet")),
                ("query", models.CharField(blank=True, max_length=500, verbose_name="filtres et tri")),
                (
                    "sharing",
                    models.CharField(
                        choices=[
                            ("private", "privée"),
                            ("department", "partagée avec le département"),
                            ("cget", "partagée avec le CGET"),
                        ],
                        default="private",
                        max_length=10,
                        verbose_name="partage",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reference.department",
                        verbose_name="département",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_views",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "vue enregistrée",
                "verbose_name_plural": "vues enregistrées",
                "ordering": ["name", "pk"],
            },
        ),
        migrations.AddIndex(
            model_name="follow",
            index=models.Index(fields=["case_type", "case_id"], name="follow_case_idx"),
        ),
        migrations.AddConstraint(
            model_name="follow",
            constraint=models.UniqueConstraint(
                fields=("user", "case_type", "case_id"), name="follow_unique_per_user_case"
            ),
        ),
        migrations.AddIndex(
            model_name="savedview",
            index=models.Index(fields=["owner"], name="savedview_owner_idx"),
        ),
    ]
