"""A lean multi-row INSERT for the hot write paths (case intake, bulk intake): what `bulk_create` does for
these rows, without its per-value compiler work.

`insert(objects)` writes instances of one model in one `INSERT … VALUES (…), (…) RETURNING id` and sets
their ids. The statement text is built once per model and row count and kept. Values are passed to the
driver as they are when they are plain `str`, `int`, `bool`, `float` or `None`, and through the field's
`get_db_prep_save` otherwise (dates, times, JSON, enum members), so they are stored exactly as the ORM
stores them. Foreign keys are taken from related objects saved meanwhile (a case's materials are built
before the case has an id), as `bulk_create` does. No signals are sent (neither does `bulk_create`).

Profile (bench/intake_cpu.py --profile intake): `bulk_create` spent most of its time compiling — a
`prepare_value` and `get_db_prep_save` call per value, and on PostgreSQL the arrays of its UNNEST form —
for rows of a few dozen values.
"""

from __future__ import annotations

from functools import cache, lru_cache

from django.db import connections, router
from django.db.models import DateField, ForeignKey, JSONField, Model, TimeField

PLAIN = (str, int, bool, float, type(None))


@cache
def _plan(model: type[Model], vendor: str):
    fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
    relations = [f for f in fields if isinstance(f, ForeignKey)]
    converted = {f.attname for f in fields if isinstance(f, DateField | TimeField | JSONField)}
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    return fields, relations, converted, stamped


@lru_cache(maxsize=512)
def _sql(model: type[Model], alias: str, rows: int) -> str:
    connection = connections[alias]
    q = connection.ops.quote_name
    fields, *_rest = _plan(model, connection.vendor)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk = model._meta.pk
    return (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
        f"VALUES {', '.join([row] * rows)} RETURNING {q(model._meta.db_table)}.{q(pk.column)}"
    )


def insert(objects: list[Model]) -> list[Model]:
    """Insert unsaved instances of one model in one statement; sets their ids. Returns `objects`."""
    if not objects:
        return objects
    model = type(objects[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields, relations, converted, stamped = _plan(model, connection.vendor)
    params: list = []
    for obj in objects:
        if type(obj) is not model:
            raise TypeError(f"insert() takes instances of one model: {type(obj)} among {model}")
        for field in relations:
            if getattr(obj, field.attname) is None and field.is_cached(obj):
                related = field.get_cached_value(obj)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"insert() prohibited to prevent data loss: unsaved {field.name}")
                    setattr(obj, field.attname, related.pk)
        for field in stamped:
            field.pre_save(obj, True)
        for field in fields:
            value = getattr(obj, field.attname)
            if field.attname in converted or type(value) not in PLAIN:
                value = field.get_db_prep_save(value, connection)
            params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(_sql(model, alias, len(objects)), params)
        ids = [row[0] for row in cursor.fetchall()]
    pk = model._meta.pk.attname
    for obj, pk_value in zip(objects, ids, strict=True):
        setattr(obj, pk, pk_value)
        obj._state.adding = False
        obj._state.db = alias
    return objects
