"""Joins the renovation (#3) and PAQTE (#5) migration lines, written in parallel."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0003_role_permissions"),
        ("workflows", "0005_paqte_process_permissions"),
    ]

    operations: list[migrations.operations.base.Operation] = []
