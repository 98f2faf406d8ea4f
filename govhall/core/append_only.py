"""Database triggers that make a table append-only for writers that bypass the ORM (audit trails: case,
lane and supervision events). Used by those apps' migrations; the SQL must stay as it is, since applied
migrations ran it.

PostgreSQL: a row trigger refuses UPDATE and DELETE (TRUNCATE, an owner-level operation used by test
flushes, is left alone). SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT);
govhall.core.sqlite's flush drops and recreates them around its DELETE.
"""

from __future__ import annotations


def add_triggers(schema_editor, table: str, message: str) -> None:
    """Refuse UPDATE and DELETE on `table`; the error says `message: <operation> refused`."""
    vendor = schema_editor.connection.vendor
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


def drop_triggers(schema_editor, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only();")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete;")
