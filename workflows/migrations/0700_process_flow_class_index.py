"""Index viewflow's process table on ``flow_class``.

Since the PAQTE flows joined the shared task lists (``workflows.registry``), every inbox and
queue page runs viewflow's own ``queue()``/``inbox()`` for each of them, which filters
``viewflow_process`` on ``flow_class``: without an index, four sequential scans of the
100,000-process table per page (~25 ms each at 1,000,000 tasks). Measured before/after in
benchmarks/RESULTS.md. viewflow owns the table: plain SQL, reversible.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0101_steering_role_permissions"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS quartiers_process_flow_class ON viewflow_process (flow_class)",
            "DROP INDEX IF EXISTS quartiers_process_flow_class",
        )
    ]
