"""The search's full text on PostgreSQL (``workflows.inbox.search``): a ``french_unaccent``
text search configuration (the French one, each word unaccented before it is stemmed: the
``unaccent`` extension of migration 0009) and a GIN index on the text of commitments, notes and
messages, on the very expression the search compares (``SearchVector("text", config=…)``).
SQLite, the embedded default, searches those texts by substring: nothing to create there."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "french_unaccent"
INDEXED = (("Commitment", "commitment_text_fts"), ("Note", "note_text_fts"), ("Message", "message_text_fts"))


def _index(name):
    return GinIndex(SearchVector("text", config=CONFIG), name=name)


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
                CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french);
                ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
            END IF;
        END $$;
        """
    )
    for model_name, name in INDEXED:
        schema_editor.add_index(apps.get_model("workflows", model_name), _index(name))


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, name in INDEXED:
        schema_editor.remove_index(apps.get_model("workflows", model_name), _index(name))
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [("workflows", "0010_case_notes_and_messages")]

    operations = [migrations.RunPython(_create, _drop)]
