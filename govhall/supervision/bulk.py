"""Many rows in one statement: the sweep writes tens of thousands of alerts, messages and cards at once.

On PostgreSQL `INSERT … SELECT FROM unnest(array, array, …)` sends one array per column: one statement and
no model instances (about ten times Django's bulk_create). Elsewhere (SQLite) it falls back to
bulk_create. Only for plain append rows: no signals, no save() logic.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, models


def _column(model: type[models.Model], name: str):
    field = model._meta.get_field(name)
    return field, field.column, field.db_type(connection)


def insert(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence], *, returning: bool = False
) -> list[int]:
    """Insert `rows` (tuples in the order of `fields`); the new ids in order when `returning`."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        attnames = [model._meta.get_field(name).attname for name in fields]
        objects = model.objects.bulk_create(
            [model(**dict(zip(attnames, row, strict=True))) for row in rows], batch_size=2000
        )
        return [o.pk for o in objects] if returning else []
    columns, arrays, selects = [], [], []
    for i, name in enumerate(fields):
        field, column, db_type = _column(model, name)
        values = [row[i] for row in rows]
        if isinstance(field, models.JSONField):
            values = [json.dumps(v, ensure_ascii=False) for v in values]
            db_type = "text"
            selects.append(f"c{i}::jsonb")
        else:
            db_type = db_type.split("(")[0] if "varchar" in db_type else db_type
            selects.append(f"c{i}")
        columns.append(connection.ops.quote_name(column))
        arrays.append((values, db_type))
    unnest = ", ".join(f"%b::{db_type}[]" for _values, db_type in arrays)
    names = ", ".join(f"c{i}" for i in range(len(fields)))
    # ORDER BY the array position: the rows go in, and their ids come back, in the order given.
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} FROM unnest({unnest}) WITH ORDINALITY AS t({names}, ord) ORDER BY ord"
    )
    if returning:
        sql += " RETURNING id"
    import psycopg

    # Server-side binding: the arrays travel as parameters (binary), not quoted into the SQL text as
    # Django's client-side cursor would (which costs more than the insert itself).
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, [values for values, _t in arrays])
        return [row[0] for row in cursor.fetchall()] if returning else []
