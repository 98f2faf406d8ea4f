"""Case numbers (办件编号): a configurable format over a per-hall daily sequence.

No national format exists (domain-rules §2), so the format is the setting GOVHALL_CASE_NUMBER_FORMAT,
a Python format string with these placeholders:

    {hall}     the hall's code, e.g. QS0001
    {date}     the local receipt date; takes a strftime spec, e.g. {date:%Y%m%d} or {date:%y%m%d}
    {seq}      the daily sequence of the hall, from 1; takes a width spec, e.g. {seq:04d}
    {kind}     J immediate (即办), C committed (承诺), Z consultation (咨询)
    {channel}  W window, A agency, O online

The default `{hall}-{date:%Y%m%d}-{seq:04d}` gives QS0001-20261128-0007. The format must contain
{hall}, {date} (with day precision) and {seq}, since the sequence restarts per hall and day.
"""

from __future__ import annotations

import string
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from govhall.cases.models import CaseCounter

DEFAULT_FORMAT = "{hall}-{date:%Y%m%d}-{seq:04d}"
KIND_LETTERS = {"immediate": "J", "committed": "C", "consultation": "Z"}
CHANNEL_LETTERS = {"window": "W", "agency": "A", "online": "O"}


def number_format() -> str:
    fmt = getattr(settings, "GOVHALL_CASE_NUMBER_FORMAT", None) or DEFAULT_FORMAT
    fields = {name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None}
    missing = {"hall", "date", "seq"} - fields
    unknown = fields - {"hall", "date", "seq", "kind", "channel"}
    if missing or unknown:
        raise ImproperlyConfigured(
            f"GOVHALL_CASE_NUMBER_FORMAT={fmt!r}: needs {{hall}}, {{date}} and {{seq}}"
            + (f"; missing {sorted(missing)}" if missing else "")
            + (f"; unknown placeholders {sorted(unknown)}" if unknown else "")
        )
    return fmt


def format_number(*, hall_code: str, day: date, seq: int, kind: str, channel: str) -> str:
    return number_format().format(
        hall=hall_code,
        date=day,
        seq=seq,
        kind=KIND_LETTERS.get(kind, "X"),
        channel=CHANNEL_LETTERS.get(channel, "X"),
    )


def take_sequence(*, hall, day: date, count: int = 1) -> int:
    """The next number of `hall` on `day` (with `count` > 1: the first of that many consecutive numbers,
    taken in one statement). Call inside the caller's transaction: the counter row stays locked (UPDATE
    takes the row lock) until that transaction ends, so two intakes never share a number."""
    taken = _increment(hall.pk, day, count)
    if taken is not None:
        return taken - count + 1
    try:
        with transaction.atomic():
            CaseCounter.objects.create(hall=hall, date=day, last=count)
        return 1
    except IntegrityError:
        # Another transaction created today's row first; it has committed (we waited on its unique key).
        counters = CaseCounter.objects.filter(hall=hall, date=day)
        counters.update(last=F("last") + count)
        return counters.values_list("last", flat=True).get() - count + 1


def _increment(hall_id: int, day: date, count: int = 1) -> int | None:
    """UPDATE … RETURNING: the new last number in one round trip (PostgreSQL, SQLite ≥ 3.35); None: no
    row yet."""
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {q(CaseCounter._meta.db_table)} SET {q('last')} = {q('last')} + %s"
            f" WHERE {q('hall_id')} = %s AND {q('date')} = %s RETURNING {q('last')}",
            [count, hall_id, connection.ops.adapt_datefield_value(day)],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def next_case_number(*, hall, day: date, kind: str, channel: str) -> str:
    seq = take_sequence(hall=hall, day=day)
    return format_number(hall_code=hall.code, day=day, seq=seq, kind=kind, channel=channel)


def next_case_numbers(*, hall, day: date, kinds: list[str], channel: str) -> list[str]:
    """Consecutive numbers for several cases of one hall and day (a bulk intake), one per kind given."""
    if not kinds:
        return []
    first = take_sequence(hall=hall, day=day, count=len(kinds))
    return [
        format_number(hall_code=hall.code, day=day, seq=first + i, kind=kind, channel=channel)
        for i, kind in enumerate(kinds)
    ]
