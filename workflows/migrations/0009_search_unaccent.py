"""The search's accent-insensitive comparison on PostgreSQL: the ``unaccent`` extension (SQLite
registers a function of the same name on each connection: ``workflows.inbox.search``)."""

from django.db import migrations


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0008_task_and_process_indexes")]

    # Going back keeps the extension: other database objects may use it.
    operations = [migrations.RunPython(_create, migrations.RunPython.noop)]
