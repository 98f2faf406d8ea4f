"""Database triggers that make the lane event table append-only, for writers that bypass the ORM (as
cases/0002_event_triggers does for case events).

PostgreSQL: a row trigger refuses UPDATE and DELETE (TRUNCATE, used by test flushes, is left alone).
SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT); govhall.core.sqlite's flush drops and
recreates them around its DELETE.
"""

from django.db import migrations

TABLE = "lanes_laneevent"
MESSAGE = "lane events are append-only"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'restrict_violation'; "
            "END $$;",
            None,  # no parameters: the % in RAISE is PL/pgSQL's, not a placeholder
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();"
        )
    elif vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {TABLE}_no_{op.lower()} BEFORE {op} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {op} refused'); END;"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only();")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update;")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;")


class Migration(migrations.Migration):
    dependencies = [("lanes", "0003_fill_lights")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
