from django.db import migrations


class Migration(migrations.Migration):
    """Joins the parallel lines of 22 November 2026: one renovation deadline (0010), PAQTE
    deadlines (0020) and commitment follow-ups (0030, joined with 0020 by 0031)."""

    dependencies = [
        ("notifications", "0010_drop_department_renewal_deadline"),
        ("notifications", "0031_merge_paqte_deadlines_followup"),
    ]

    operations = []
