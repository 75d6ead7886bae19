"""Merge of two parallel lines: the PAQTE deadlines (0020) and the commitment follow-ups (0030)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0020_paqte_deadlines_follow_the_cases"),
        ("notifications", "0030_commitment_follow_up_definition"),
    ]

    operations = []
