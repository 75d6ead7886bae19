"""Indexes on viewflow's tables for the inbox, the queues and the task history at a million tasks.

viewflow owns ``viewflow_task`` and ``viewflow_process``, so the indexes are plain SQL here,
reversible. Measured before and after in benchmarks/RESULTS.md.
"""

from django.db import migrations

INDEXES = {
    # À traiter: the owner's assigned tasks, newest first.
    "quartiers_task_inbox": "viewflow_task (owner_id, created) WHERE status = 'ASSIGNED'",
    # File du département: unassigned human tasks by required permission, oldest first.
    "quartiers_task_queue": "viewflow_task (flow_task_type, owner_permission, created) WHERE status = 'NEW'",
    # The open tasks of the processes of the cases in scope.
    "quartiers_task_queue_process": "viewflow_task (process_id, created) WHERE status = 'NEW'",
    # CGET review queue and per-step lists: open tasks of one node, oldest first.
    "quartiers_task_open_by_node": "viewflow_task (flow_task, created) WHERE status IN ('NEW', 'ASSIGNED')",
    # A case's task history and its current task.
    "quartiers_task_history": "viewflow_task (process_id, finished)",
    # viewflow's own queue()/inbox() filter the process table on its flow class.
    "quartiers_process_flow_class": "viewflow_process (flow_class)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0007_paqte_key_indicators"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES.items()
    ]
