"""The open tasks (new or taken) of the processes of the cases in scope: the inbox's « Tous » and
« Suivis » tabs reach them through the processes, at a million tasks (benchmarks/RESULTS.md,
"the workspace's speed": « Tous » of a Nord agent 105 → 25 ms). Plain SQL on viewflow's table,
reversible, as in 0008.
"""

from django.db import migrations

NAME = "quartiers_task_open_process"


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0016_paqte_report_figures_snapshot"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {NAME} ON viewflow_task (process_id, created) WHERE status IN ('NEW', 'ASSIGNED')",
            f"DROP INDEX IF EXISTS {NAME}",
        )
    ]
