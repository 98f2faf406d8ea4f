"""Reads: the indicators for a period and a filter, grouped by a dimension, from the roll-ups.

With a lane filter (the roll-ups have no lane key) the same counts are recomputed directly from the
lane's cases (rollup.direct): slower, but the same definitions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from operator import add

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from govhall.cases.models import Case, CaseEvent, CaseKind, CaseState, EventKind
from govhall.catalog.models import Department, Hall, ServiceItem
from govhall.stats import indicators
from govhall.stats.models import (
    KEYS,
    MEASURES,
    MONTH_KEYS,
    DailyDuration,
    DailyFigure,
    LateClosure,
    MonthlyDuration,
    MonthlyFigure,
)
from govhall.stats.rollup import direct

GROUPS = ("department", "hall", "item", "channel", "kind", "month")


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    department: int | None = None
    hall: int | None = None
    hall_level: str | None = None
    lane: str | None = None  # lane code: every version of the lane
    item: str | None = None  # item code: every version of the item

    def hall_ids(self) -> list[int] | None:
        if self.hall_level:
            ids = list(Hall.objects.filter(level=self.hall_level).values_list("pk", flat=True))
            return [h for h in ids if self.hall in (None, h)]
        return None if self.hall is None else [self.hall]

    def item_ids(self) -> list[int] | None:
        if not self.item:
            return None
        return list(ServiceItem.objects.filter(code=self.item).values_list("pk", flat=True))

    def months(self) -> list[Filters]:
        out, start = [], self.date_from.replace(day=1)
        while start <= self.date_to:
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            out.append(replace(self, date_from=max(start, self.date_from), date_to=min(end, self.date_to)))
            start = end + timedelta(days=1)
        return out


def month_range(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


# --- the three sources of counts ---------------------------------------------------------------------


def _key_filter(f: Filters, qs, *, prefix: str = ""):
    if f.department is not None:
        qs = qs.filter(**{f"{prefix}department": f.department})
    halls = f.hall_ids()
    if halls is not None:
        qs = qs.filter(**{f"{prefix}hall__in": halls})
    items = f.item_ids()
    if items is not None:
        qs = qs.filter(**{f"{prefix}item__in": items})
    return qs


def _group_value(group: str | None, key: tuple) -> object:
    if group is None:
        return None
    if group == "month":
        return key[0].replace(day=1)
    return key[KEYS.index(group)]


def _lane_cases(f: Filters):
    return Case.objects.filter(lane_link__lane_case__lane__code=f.lane)


def _keep(f: Filters, key: tuple) -> bool:
    _day, dept, hall, item, _c, _k = key[:6]
    halls, items = f.hall_ids(), f.item_ids()
    return (
        (f.department is None or dept == f.department)
        and (halls is None or hall in halls)
        and (items is None or item in items)
    )


def grouped_counts(f: Filters, group: str | None) -> tuple[dict, dict]:
    """(counts, durations) per group value, over the days of the period."""
    counts: dict = defaultdict(Counter)
    durations: dict = defaultdict(Counter)
    if f.lane is not None:
        tally = direct(_lane_cases(f))
        for key, c in tally.figures.items():
            if f.date_from <= key[0] <= f.date_to and _keep(f, key):
                counts[_group_value(group, key)].update(c)
        for key, n in tally.durations.items():
            if f.date_from <= key[0] <= f.date_to and _keep(f, key):
                durations[_group_value(group, key)][key[-1]] += n
        return counts, durations
    sums = {m: Sum(m) for m in MEASURES}
    for source in sources(f, by_item=group == "item"):
        rows, hist = source.figures, source.durations
        if group is None:
            agg = rows.aggregate(**sums)
            counts[None].update({m: agg[m] or 0 for m in MEASURES})
            hist = hist.annotate(g=F("used") * 0)
        else:
            g = source.month() if group == "month" else F(group)
            for row in rows.annotate(g=g).values("g").annotate(**sums).order_by():
                counts[_norm(row["g"])].update({m: row[m] or 0 for m in MEASURES})
            hist = hist.annotate(g=g)
        for row in hist.values("g", "used").annotate(n=Sum("count")).order_by():
            durations[None if group is None else _norm(row["g"])][row["used"]] += row["n"]
    return counts, durations


@dataclass(frozen=True)
class Source:
    """The roll-up rows of part of a period: figures and durations, filtered by period and keys."""

    figures: object  # a queryset of DailyFigure or MonthlyFigure
    durations: object  # of DailyDuration or MonthlyDuration
    date_field: str  # "day" or "month"

    def month(self):
        return F("month") if self.date_field == "month" else TruncMonth("day")


def split(f: Filters) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """f's period as (first and last month start of the whole months in it, or None) and the day ranges
    before and after them: 15 Jan … 20 Mar is ([1 Feb, 1 Feb], [(15 Jan, 31 Jan), (1 Mar, 20 Mar)])."""
    one_day = timedelta(days=1)
    first = f.date_from if f.date_from.day == 1 else month_range(f.date_from)[1] + one_day
    after = f.date_to + one_day
    stop = after if after.day == 1 else f.date_to.replace(day=1)  # the first day after the whole months
    if first >= stop:
        return None, [(f.date_from, f.date_to)]
    days = []
    if f.date_from < first:
        days.append((f.date_from, first - one_day))
    if f.date_to >= stop:
        days.append((stop, f.date_to))
    return (first, (stop - one_day).replace(day=1)), days


def sources(f: Filters, *, by_item: bool = False) -> list[Source]:
    """Where the period's counts are (without a lane filter): the monthly roll-ups for its whole months and
    the daily ones for the days before and after them; the daily ones only, when the item is a key or a
    filter (the monthly rows have no item)."""
    months, days = split(f)
    if by_item or f.item:
        months, days = None, [(f.date_from, f.date_to)]
    out = []
    if months is not None:
        out.append(
            Source(
                _key_filter(f, MonthlyFigure.objects.filter(month__range=months)),
                _key_filter(f, MonthlyDuration.objects.filter(month__range=months)),
                "month",
            )
        )
    if days:
        period = Q()
        for d0, d1 in days:
            period |= Q(day__range=(d0, d1))
        out.append(
            Source(
                _key_filter(f, DailyFigure.objects.filter(period)),
                _key_filter(f, DailyDuration.objects.filter(period)),
                "day",
            )
        )
    return out


def _norm(value):
    # TruncMonth over a DateField gives a date on both databases; keep the type stable anyway.
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def open_overdue(f: Filters, group: str | None) -> Counter:
    """Cases open at the end of the period (end of f.date_to) whose promised due date is before that day.

    = cases open now with promised_due < date_to + cases closed late after date_to with due < date_to.
    """
    end = f.date_to
    out: Counter = Counter()
    if group == "month":
        # Each month's own end; the caller asks month by month.
        raise ValueError("open_overdue is per period end: ask each month separately")
    converted = CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.CONVERTED_TO_COMMITTED)
    cases = Case.objects.filter(
        state__in=[CaseState.ACCEPTED, CaseState.SUSPENDED], promised_due__lt=end
    ).exclude(kind=CaseKind.CONSULTATION)
    if f.lane is not None:
        cases = cases.filter(pk__in=_lane_cases(f).values("pk"))
    cases = _key_filter(f, cases.annotate(department=F("item__department_id")))
    if group == "kind":
        rows = (
            cases.annotate(converted=Exists(converted))
            .values("kind", "converted")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            out[CaseKind.IMMEDIATE if row["converted"] else row["kind"]] += row["n"]
    elif group:
        fields = {"department": "department", "hall": "hall_id", "item": "item_id", "channel": "channel"}
        field = fields[group]
        for row in cases.values(field).annotate(n=Count("pk")).order_by():
            out[row[field]] += row["n"]
    else:
        out[None] += cases.count()
    if f.lane is not None:
        tally = direct(_lane_cases(f))
        for key, n in tally.late.items():
            if key[0] > end and key[-1] < end and _keep(f, key):
                out[_group_value(group, key)] += n
        return out
    late = _key_filter(f, LateClosure.objects.filter(day__gt=end, due__lt=end))
    if group:
        for row in late.values(group).annotate(n=Sum("count")).order_by():
            out[row[group]] += row["n"]
    else:
        out[None] += late.aggregate(n=Sum("count"))["n"] or 0
    return out


# --- the whole period in one read: the dashboard's cube ------------------------------------------------

CUBE = MONTH_KEYS


@dataclass
class Cube:
    """The roll-ups of a period summed by (month, department, hall, channel, kind): every key but the item
    and the day. Every grouping the dashboard shows is a sum over these rows (`table_from_cube`)."""

    figures: dict[tuple, tuple]  # key → the measures, in the order of MEASURES
    durations: dict[tuple, tuple]  # key → concluded cases by working days used (0, 1, 2, …)

    @cached_property
    def over_months(self) -> Cube:
        """The same rows summed over the months of the period (month None)."""

        def no_month(key: tuple) -> tuple:
            return (None, *key[1:])

        return Cube(_sum_by(self.figures, no_month), _sum_by(self.durations, no_month))


def cube(f: Filters) -> Cube:
    """The roll-ups of f's period and filters summed by CUBE: the monthly rows of its whole months and one
    grouped read of the daily rows of the days around them (a lane filter: from the lane's cases, as
    grouped_counts does)."""
    if f.lane is not None:
        tally, figures, durations = direct(_lane_cases(f)), defaultdict(Counter), []
        for key, c in tally.figures.items():
            if f.date_from <= key[0] <= f.date_to and _keep(f, key):
                figures[_cube_key(key)].update(c)
        for key, n in tally.durations.items():
            if f.date_from <= key[0] <= f.date_to and _keep(f, key):
                durations.append((*_cube_key(key), key[-1], n))
        return Cube({k: tuple(c[m] for m in MEASURES) for k, c in figures.items()}, _histograms(durations))
    figures: dict[tuple, tuple] = {}
    durations = []
    for source in sources(f):
        if source.date_field == "month":  # one row per cube key already: no grouping needed
            rows = source.figures.values_list(*MONTH_KEYS, *MEASURES)
            hist = source.durations.values_list(*MONTH_KEYS, "used", "count")
        else:
            rows = (
                source.figures.annotate(month=TruncMonth("day"))
                .values_list("month", *CUBE[1:])
                .annotate(*(Sum(m) for m in MEASURES))
                .order_by()
            )
            hist = (
                source.durations.annotate(month=TruncMonth("day"))
                .values_list("month", *CUBE[1:], "used")
                .annotate(Sum("count"))
                .order_by()
            )
        # Tens of thousands of rows for a year: a key's values are added only when two sources share it.
        for r in rows:
            key, values = (_norm(r[0]), *r[1:5]), r[5:]
            had = figures.get(key)
            figures[key] = values if had is None else tuple(map(add, had, values))
        durations += [(_norm(r[0]), *r[1:]) for r in hist]
    return Cube(figures, _histograms(durations))


def _cube_key(key: tuple) -> tuple:
    day, department, hall, _item, channel, kind = key[:6]
    return (day.replace(day=1), department, hall, channel, kind)


def _histograms(rows: list[tuple]) -> dict[tuple, tuple]:
    """(*key, used, cases) rows → key → cases by used, as tuples of one length (summed column by column)."""
    longest = 1 + max((r[-2] for r in rows), default=0)
    out: dict = defaultdict(lambda: [0] * longest)
    for *key, used, n in rows:
        out[tuple(key)][used] += n
    return {k: tuple(v) for k, v in out.items()}


def _sum_by(cells: dict[tuple, tuple], group_of) -> dict:
    """The cells' tuples added up column by column, per group_of(key)."""
    rows: dict = defaultdict(list)
    for key, values in cells.items():
        rows[group_of(key)].append(values)
    return {g: tuple(map(sum, zip(*values, strict=True))) for g, values in rows.items()}


def _fold(f: Filters, c: Cube, group: str | None) -> tuple[dict, dict]:
    """(counts, durations) per group value, summed over the cube rows of f's department (if any)."""
    if group != "month":
        c = c.over_months  # the same sums, 12 times fewer rows for a year
    at = None if group is None else CUBE.index(group)

    def sums(cells: dict) -> dict:
        if f.department is not None:
            cells = {k: v for k, v in cells.items() if k[1] == f.department}
        return _sum_by(cells, lambda key: None if at is None else key[at])

    counts = {g: Counter(dict(zip(MEASURES, v, strict=True))) for g, v in sums(c.figures).items()}
    durations = {g: Counter({used: n for used, n in enumerate(v) if n}) for g, v in sums(c.durations).items()}
    return counts, durations


def table_from_cube(f: Filters, c: Cube, group: str | None) -> dict:
    """What table(f, group) gives, from the cube of f's period (read with f's filters, or without its
    department, which is applied here); open_overdue is still read per grouping (and per month)."""
    counts, durations = _fold(f, c, group)
    if group == "month":
        out = {}
        for month in f.months():
            first = month.date_from.replace(day=1)
            late = open_overdue(month, None)[None]
            out[first] = indicators.figures(
                counts.get(first, Counter()), durations.get(first, Counter()), late
            )
        return out
    overdue = open_overdue(f, group)
    return figures_by(counts, durations, overdue, group)


# --- what the pages, the command and the API show ----------------------------------------------------


def figures_by(counts: dict, durations: dict, overdue: Counter, group: str | None) -> dict:
    """The indicators of every group value that has counts or open overdue cases (the whole, None, always
    when not grouped), from the summed measures, the durations' histograms and the open overdue cases."""
    keys = set(counts) | {k for k, v in overdue.items() if v}
    if group is None:
        keys.add(None)
    return {
        k: indicators.figures(counts.get(k, Counter()), durations.get(k, Counter()), overdue.get(k, 0))
        for k in keys
    }


def table(f: Filters, group: str | None) -> dict:
    """Indicators per group value: {value: figures}."""
    if group == "month":
        out = {}
        for month in f.months():
            out[month.date_from.replace(day=1)] = table(month, None)[None]
        return out
    counts, durations = grouped_counts(f, group)
    overdue = open_overdue(f, group)
    return figures_by(counts, durations, overdue, group)


def supervision(f: Filters, group: str | None = None) -> dict:
    """Cards issued, upheld and revoked, and supervision orders and their replies on time, in the period."""
    from govhall.supervision.models import Card, CardState, Order

    def scope(qs):
        qs = qs.filter(issued_at__date__range=(f.date_from, f.date_to))
        if f.department is not None:
            qs = qs.filter(department_id=f.department)
        halls = f.hall_ids()
        if halls is not None:
            qs = qs.filter(case__hall_id__in=halls)
        items = f.item_ids()
        if items is not None:
            qs = qs.filter(case__item_id__in=items)
        if f.lane is not None:
            qs = qs.filter(case__lane_link__lane_case__lane__code=f.lane)
        return qs

    field = "department_id" if group == "department" else None
    cards = scope(Card.objects.all())
    orders = scope(Order.objects.all())
    card_aggs = {
        "cards_issued": Count("pk"),
        "cards_yellow": Count("pk", filter=Q(kind="yellow")),
        "cards_red": Count("pk", filter=Q(kind="red")),
        "cards_upheld": Count("pk", filter=Q(state=CardState.UPHELD)),
        "cards_revoked": Count("pk", filter=Q(state=CardState.REVOKED)),
    }
    order_aggs = {
        "orders_issued": Count("pk"),
        "orders_replied": Count("pk", filter=Q(replied_at__isnull=False)),
        "orders_replied_on_time": Count("pk", filter=Q(replied_at__isnull=False, replied_at__lt=F("due_at"))),
    }
    out: dict = defaultdict(dict)
    if field:
        for row in cards.values(field).annotate(**card_aggs).order_by():
            out[row.pop(field)].update(row)
        for row in orders.values(field).annotate(**order_aggs).order_by():
            out[row.pop(field)].update(row)
    else:
        out[None].update(cards.aggregate(**card_aggs))
        out[None].update(orders.aggregate(**order_aggs))
    for values in out.values():
        for k in [*card_aggs, *order_aggs]:
            values.setdefault(k, 0)
        values["orders_on_time_rate"] = indicators.rate(
            values["orders_replied_on_time"], values["orders_issued"]
        )
    return dict(out)


def compression(f: Filters) -> dict:
    """Time-limit compression (legal → promised limits of the published items; lanes serial → parallel)."""
    from govhall.lanes.queries import compression_report

    report = compression_report()
    if f.department is not None:
        code = Department.objects.filter(pk=f.department).values_list("code", flat=True).first()
        report["totals"] = next((d for d in report["departments"] if d["code"] == code), None)
    if f.lane is not None:
        report["lanes"] = [lane for lane in report["lanes"] if lane["code"] == f.lane]
    return report


def summary(f: Filters) -> dict:
    """The whole picture for one period and filter: totals, by kind, by channel, supervision, compression."""
    return {
        "period": {"from": f.date_from.isoformat(), "to": f.date_to.isoformat()},
        "totals": table(f, None)[None],
        "by_kind": {k: v for k, v in table(f, "kind").items()},
        "by_channel": {k: v for k, v in table(f, "channel").items()},
        "supervision": supervision(f)[None],
    }


def names(group: str, keys) -> dict:
    """Display names of group values."""
    if group == "department":
        return {d.pk: d.name for d in Department.objects.filter(pk__in=[k for k in keys if k])} | {0: "—"}
    if group == "hall":
        return {h.pk: h.name for h in Hall.objects.filter(pk__in=keys)}
    if group == "item":
        return {i.pk: i.name for i in ServiceItem.objects.filter(pk__in=[k for k in keys if k])} | {0: "—"}
    if group == "kind":
        return dict(CaseKind.choices)
    if group == "channel":
        from govhall.cases.models import Channel

        return dict(Channel.choices)
    if group == "month":
        return {k: f"{k:%Y-%m}" for k in keys}
    return {}
