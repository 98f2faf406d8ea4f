"""SQLite backend that flushes like PostgreSQL's TRUNCATE: table triggers don't fire.

Audit tables carry triggers that refuse UPDATE and DELETE (the trail is append-only). On PostgreSQL
`flush` (used by `manage.py flush` and by transactional tests between tests) is a TRUNCATE, which row
triggers ignore. SQLite has no TRUNCATE, so a flush would be a DELETE that those triggers refuse. Here a
flush drops the triggers of the flushed tables, deletes, and recreates them from their stored SQL.
"""

from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.db.backends.sqlite3.operations import DatabaseOperations as SQLiteOperations


class DatabaseOperations(SQLiteOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not statements:
            return statements
        flushed = {stmt.split()[-1].strip(";").strip('"') for stmt in statements if stmt.startswith("DELETE")}
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = [(name, sql) for name, table, sql in cursor.fetchall() if table in flushed]
        drops = [f'DROP TRIGGER "{name}";' for name, _ in triggers]
        creates = [f"{sql};" for _, sql in triggers]
        return drops + statements + creates


class DatabaseWrapper(SQLiteDatabaseWrapper):
    ops_class = DatabaseOperations
