"""The open tasks (new or taken) by the role that acts on them: the « Revue CGET » tab and its
count, national, read every open task of the country and kept those of the CGET's roles (at a
million tasks, 90 ms of PostgreSQL's time for each count, counted again after any task changed
anywhere: benchmarks/RESULTS.md, twelfth pass). Plain SQL on viewflow's table, reversible, as in
0008 and 0017.
"""

from django.db import migrations

NAME = "quartiers_task_open_role"


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0019_national_admin_result_history_admin"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {NAME} ON viewflow_task (owner_permission, created) WHERE status IN ('NEW', 'ASSIGNED')",
            f"DROP INDEX IF EXISTS {NAME}",
        )
    ]
