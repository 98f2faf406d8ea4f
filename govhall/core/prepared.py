"""Reads compiled once: the lookups every request makes (its session, its user, the item applied for).

Building and compiling a queryset costs more CPU than the database spends answering these one-row reads
(bench/intake_cpu.py --profile intake). `Prepared(build, kinds)` compiles `build(*samples)` once per
database, remembers where the sample values sit among the statement's parameters, and afterwards runs
the same SQL text with the caller's values, turning the rows into instances exactly as the ORM does
(Model.from_db, the backend's converters, select_related populators). `kinds` gives the type of each
value: int, str or datetime (adapted as the backend adapts a DateTimeField).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

# Values no caller will pass, so that they are found once among a compiled statement's parameters.
_SAMPLES = {
    int: -7_777_777_771,
    str: "\x01govhall-prepared-sample\x01",
    datetime: datetime(1903, 4, 5, 6, 7, 8, 901_234, tzinfo=UTC),
}


def _adapt(kind: type, value, connection):
    if kind is datetime:
        return connection.ops.adapt_datetimefield_value(value)
    return value


class _Compiled:
    def __init__(self, queryset: QuerySet, kinds: tuple[type, ...], alias: str) -> None:
        connection = connections[alias]
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        params = list(params)
        self.positions = []
        for kind in kinds:
            sample = _adapt(kind, _SAMPLES[kind], connection)
            found = [i for i, p in enumerate(params) if type(p) is type(sample) and p == sample]
            if len(found) != 1:
                raise ValueError(f"Prepared: the {kind.__name__} parameter is not in the statement once")
            self.positions.append(found[0])
        self.sql, self.params, self.kinds, self.alias = sql, params, kinds, alias
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = compiler.get_converters([s[0] for s in select])
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [s[0].target.attname for s in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, alias)

    def run(self, values) -> list:
        connection = connections[self.alias]
        params = self.params.copy()
        for position, kind, value in zip(self.positions, self.kinds, values, strict=True):
            params[position] = _adapt(kind, value, connection)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self._convert(rows, connection)
        found = []
        for row in rows:
            obj = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            found.append(obj)
        return found

    def _convert(self, rows, connection) -> list:
        """SQLCompiler.apply_converters with this thread's connection (the compiler keeps the connection
        of the thread that compiled the statement)."""
        converters = list(self.converters.items())
        converted = []
        for row in map(list, rows):
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(row)
        return converted


class Prepared:
    """`build(*values)` returns the queryset (a filter of one model, select_related allowed, no slicing);
    `all(*values)` its rows, `first(*values)` the first or None."""

    def __init__(self, build: Callable[..., QuerySet], kinds: tuple[type, ...]) -> None:
        self.build, self.kinds = build, kinds
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, alias: str) -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                queryset = self.build(*(_SAMPLES[k] for k in self.kinds)).using(alias)
                compiled = self._compiled[alias] = _Compiled(queryset, self.kinds, alias)
        return compiled

    def all(self, *values, using: str = "default") -> list:
        return self._for(using).run(values)

    def first(self, *values, using: str = "default"):
        found = self.all(*values, using=using)
        return found[0] if found else None

    def forget(self) -> None:
        """Compile again on the next call (tests that swap databases)."""
        self._compiled.clear()
