"""Indexes for the inbox, the queues and the task history at a million tasks.

viewflow's Task table belongs to viewflow, so the indexes are plain SQL here, reversible.
"""

from django.db import migrations

INDEXES = {
    # Mes tâches: owner's assigned tasks, newest first.
    "quartiers_task_inbox": "viewflow_task (owner_id, created) WHERE status = 'ASSIGNED'",
    # File d'attente: unassigned human tasks by required permission, oldest first.
    "quartiers_task_queue": "viewflow_task (flow_task_type, owner_permission, created) WHERE status = 'NEW'",
    # Département queues: the open tasks of the processes of the cases in scope.
    "quartiers_task_queue_process": "viewflow_task (process_id, created) WHERE status = 'NEW'",
    # CGET review queue and per-step lists: open tasks of one node, oldest first.
    "quartiers_task_open_by_node": "viewflow_task (flow_task, created) WHERE status IN ('NEW', 'ASSIGNED')",
    # Per-case task history and the "current task" of a case.
    "quartiers_task_history": "viewflow_task (process_id, finished)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_renewal"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(f"CREATE INDEX {name} ON {definition}", f"DROP INDEX IF EXISTS {name}")
        for name, definition in INDEXES.items()
    ]
