"""Database triggers that make the case event table append-only, for writers that bypass the ORM.

PostgreSQL: a row trigger refuses UPDATE and DELETE (TRUNCATE, an owner-level operation used by test
flushes, is left alone). SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT).
"""

from django.db import migrations

MESSAGE = "case events are append-only"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION cases_caseevent_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'restrict_violation'; "
            "END $$;",
            None,  # no parameters: the % in RAISE is PL/pgSQL's, not a placeholder
        )
        schema_editor.execute(
            "CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OR DELETE ON cases_caseevent "
            "FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only();"
        )
    elif vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER cases_caseevent_no_{op.lower()} BEFORE {op} ON cases_caseevent "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {op} refused'); END;"
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;")
        schema_editor.execute("DROP FUNCTION IF EXISTS cases_caseevent_append_only();")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_caseevent_no_update;")
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_caseevent_no_delete;")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
