"""Database triggers that make supervision's record append-only for writers that bypass the ORM (as
cases/0002_event_triggers does for case events): card events, order events, alerts and lane alerts.

PostgreSQL: a row trigger refuses UPDATE and DELETE (TRUNCATE, used by test flushes, is left alone).
SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT); govhall.core.sqlite's flush drops and
recreates them around its DELETE.
"""

from django.db import migrations

TABLES = {
    "supervision_cardevent": "card events",
    "supervision_orderevent": "order events",
    "supervision_alert": "alerts",
    "supervision_lanealert": "lane alerts",
}


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, what in TABLES.items():
        message = f"{what} are append-only"
        if vendor == "postgresql":
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                f"RAISE EXCEPTION '{message}: % refused', TG_OP USING ERRCODE = 'restrict_violation'; "
                "END $$;",
                None,  # no parameters: the % in RAISE is PL/pgSQL's, not a placeholder
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();"
            )
        elif vendor == "sqlite":
            for op in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}: {op} refused'); END;"
                )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only();")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_lane_alerts")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
