"""Hot topics (热点, docs/hotline-hot.md): tickets counted per area × subject × week against the weeks before.

A week runs from Monday 00:00 to the next Monday 00:00 in the centre's time zone (Asia/Shanghai). A topic
(area × subject at GOVHALL_HOTLINE_HOT_SUBJECT_DIGITS) is hot in a week when its tickets reach the minimum
count AND exceed the multiple of its baseline, the mean of the `baseline_weeks` weeks just before (weeks
without tickets count as zero, so a topic new this week has a baseline of 0 and only the minimum applies).
Tickets without an area are no topic (nobody could be sent there); tickets the centre itself registered
from a hot topic (channel "found by the centre") are not counted, or a task would feed its own topic.

Every figure is counted by one grouped query over the ticket index on received_at (`weekly_counts`): the
weeks are labelled in SQL by CASE over their local boundaries, so SQLite and PostgreSQL agree and no time
zone function runs in the database. The board's current week is the same query ending now.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Count, IntegerField, Value, When
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from govhall.hotline.models import Area, Channel, ProactiveTask, Subject, Ticket
from govhall.supervision import lights

SUBJECT_DIGITS = (2, 4, 6)
EXAMPLES = 3  # example tickets per topic in the monthly list
LIST_LIMIT = 50  # topics in a monthly list (the hottest first)


class HotRuleError(ImproperlyConfigured):
    """A setting of the hot-topic rule has a value the rule cannot use (the message names it)."""


@dataclass(frozen=True)
class HotRule:
    multiple: Decimal
    min_count: int
    baseline_weeks: int
    subject_digits: int

    def __post_init__(self) -> None:
        if not self.multiple.is_finite() or self.multiple < 1:
            raise HotRuleError(
                _("GOVHALL_HOTLINE_HOT_MULTIPLE=%(v)s: the multiple must be a number of at least 1 (e.g. 2).")
                % {"v": self.multiple}
            )
        if self.min_count < 1:
            raise HotRuleError(
                _("GOVHALL_HOTLINE_HOT_MIN_COUNT=%(v)s: the minimum count must be at least 1.")
                % {"v": self.min_count}
            )
        if not 1 <= self.baseline_weeks <= 52:
            raise HotRuleError(
                _("GOVHALL_HOTLINE_HOT_BASELINE_WEEKS=%(v)s: the baseline is 1 to 52 weeks.")
                % {"v": self.baseline_weeks}
            )
        if self.subject_digits not in SUBJECT_DIGITS:
            raise HotRuleError(
                _("GOVHALL_HOTLINE_HOT_SUBJECT_DIGITS=%(v)s: subjects are counted at 2, 4 or 6 digits.")
                % {"v": self.subject_digits}
            )

    @classmethod
    def from_settings(cls) -> HotRule:
        text = str(settings.GOVHALL_HOTLINE_HOT_MULTIPLE).strip()
        try:
            multiple = Decimal(text)
        except InvalidOperation:
            raise HotRuleError(
                _("GOVHALL_HOTLINE_HOT_MULTIPLE=%(v)s: the multiple must be a number of at least 1 (e.g. 2).")
                % {"v": text[:20]}
            ) from None
        return cls(
            multiple=multiple,
            min_count=int(settings.GOVHALL_HOTLINE_HOT_MIN_COUNT),
            baseline_weeks=int(settings.GOVHALL_HOTLINE_HOT_BASELINE_WEEKS),
            subject_digits=int(settings.GOVHALL_HOTLINE_HOT_SUBJECT_DIGITS),
        )

    def baseline(self, history: list[int]) -> Decimal:
        """The mean of the last `baseline_weeks` counts of `history` (oldest first; missing weeks are 0)."""
        window = history[-self.baseline_weeks :] if history else []
        return (Decimal(sum(window)) / self.baseline_weeks).quantize(Decimal("0.01"), ROUND_HALF_UP)

    def threshold(self, baseline: Decimal) -> int:
        """The fewest tickets that make the week hot: the minimum, and more than multiple × baseline."""
        over = int((self.multiple * baseline).to_integral_value(rounding=ROUND_FLOOR)) + 1
        return max(self.min_count, over)

    def is_hot(self, count: int, baseline: Decimal) -> bool:
        return count >= self.min_count and Decimal(count) > self.multiple * baseline

    def as_dict(self) -> dict:
        return {
            "multiple": str(self.multiple),
            "min_count": self.min_count,
            "baseline_weeks": self.baseline_weeks,
            "subject_digits": self.subject_digits,
        }


# --- weeks ---------------------------------------------------------------------------------------------


def week_of(day: date) -> date:
    """The Monday of the week of `day` (a local date)."""
    return day - timedelta(days=day.weekday())


def week_window(monday: date) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) in the centre's time zone."""
    return lights.start_of(monday), lights.start_of(monday + timedelta(days=7))


def parse_week(text: str, *, today: date) -> date:
    """?week=YYYY-MM-DD (any day of the week; empty: this week) → its Monday; ValueError naming the rule."""
    text = (text or "").strip()
    if not text:
        return week_of(today)
    try:
        return week_of(date.fromisoformat(text))
    except ValueError:
        raise ValueError(_("week: “%(v)s” is not a date (YYYY-MM-DD).") % {"v": text[:20]}) from None


# --- counting ------------------------------------------------------------------------------------------


def _codes(digits: int) -> dict[int, str]:
    """subject id → the code of its topic (its first `digits` digits); subjects above that level: none."""
    return {
        pk: code[:digits] for pk, code in Subject.objects.values_list("pk", "code") if len(code) >= digits
    }


def counted_tickets():
    """The tickets hot topics count (the drill-down lists the same rows)."""
    return Ticket.objects.filter(area__isnull=False).exclude(channel=Channel.PROACTIVE)


def weekly_counts(first: date, weeks: int, *, digits: int, end: datetime | None = None) -> dict:
    """{(area_id, subject code): [count of week 0, …, week weeks-1]} for the `weeks` weeks from the Monday
    `first`, in one grouped query (tickets up to `end` if given, e.g. now for the current week)."""
    bounds = [lights.start_of(first + timedelta(days=7 * i)) for i in range(weeks + 1)]
    stop = bounds[-1] if end is None else min(bounds[-1], end)
    label = Case(
        *(When(received_at__lt=bounds[i + 1], then=Value(i)) for i in range(weeks)),
        output_field=IntegerField(),
    )
    rows = (
        counted_tickets()
        .filter(received_at__gte=bounds[0], received_at__lt=stop)
        .annotate(w=label)
        .values_list("area_id", "subject_id", "w")
        .annotate(n=Count("pk"))
        .order_by()
    )
    codes = _codes(digits)
    out: dict[tuple[int, str], list[int]] = {}
    for area_id, subject_id, w, n in rows:
        code = codes.get(subject_id)
        if code is None:
            continue
        out.setdefault((area_id, code), [0] * weeks)[w] += n
    return out


@dataclass
class Topic:
    area_id: int
    subject_code: str
    week: date
    count: int
    baseline: Decimal
    threshold: int
    history: list[int]  # the baseline weeks, oldest first
    area_code: str = ""
    area_name: str = ""
    subject_name: str = ""
    task: dict | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else round(float(self.count / self.baseline), 1)

    def as_dict(self) -> dict:
        _end = self.week + timedelta(days=6)
        return {
            "area": self.area_code,
            "area_name": self.area_name,
            "subject": self.subject_code,
            "subject_name": self.subject_name,
            "week": self.week.isoformat(),
            "week_end": _end.isoformat(),
            "count": self.count,
            "baseline": str(self.baseline),
            "threshold": self.threshold,
            "ratio": self.ratio,
            "history": self.history,
            "task": self.task,
            **self.extra,
        }


def _names(topics: list[Topic]) -> None:
    areas = {a.pk: a for a in Area.objects.filter(pk__in={t.area_id for t in topics})}
    subjects = dict(
        Subject.objects.filter(code__in={t.subject_code for t in topics}).values_list("code", "name")
    )
    tasks = {
        (p.area_id, p.subject.code, p.week): p
        for p in ProactiveTask.objects.filter(
            area_id__in={t.area_id for t in topics}, week__in={t.week for t in topics}
        ).select_related("subject", "ticket")
    }
    for t in topics:
        t.area_code, t.area_name = areas[t.area_id].code, areas[t.area_id].name
        t.subject_name = subjects.get(t.subject_code, t.subject_code)
        task = tasks.get((t.area_id, t.subject_code, t.week))
        if task is not None:
            t.task = {
                "ticket": task.ticket_id,
                "number": task.ticket.number,
                "state": task.ticket.state,
                "created_at": task.created_at.isoformat(),
            }


def _evaluate(counts: dict, rule: HotRule, first_week: date, weeks: range) -> list[Topic]:
    """The hot (topic, week) of the counts that start at `first_week`, for the week indexes in `weeks`."""
    out = []
    for (area_id, code), series in counts.items():
        for i in weeks:
            history = series[max(i - rule.baseline_weeks, 0) : i]
            history = [0] * (rule.baseline_weeks - len(history)) + history
            base = rule.baseline(history)
            if rule.is_hot(series[i], base):
                out.append(
                    Topic(
                        area_id=area_id,
                        subject_code=code,
                        week=first_week + timedelta(days=7 * i),
                        count=series[i],
                        baseline=base,
                        threshold=rule.threshold(base),
                        history=history,
                    )
                )
    return out


def week_topics(monday: date, *, now: datetime, rule: HotRule | None = None) -> list[Topic]:
    """The hot topics of the week of `monday`, counted up to `now` (the board: as it happens), hottest
    first (most tickets above the threshold)."""
    rule = rule or HotRule.from_settings()
    first = monday - timedelta(days=7 * rule.baseline_weeks)
    counts = weekly_counts(first, rule.baseline_weeks + 1, digits=rule.subject_digits, end=now)
    topics = _evaluate(counts, rule, first, range(rule.baseline_weeks, rule.baseline_weeks + 1))
    topics.sort(key=lambda t: (-(t.count - t.threshold), -t.count, t.subject_code, t.area_id))
    _names(topics)
    return topics


def week_data(monday: date, *, now: datetime, rule: HotRule | None = None) -> dict:
    rule = rule or HotRule.from_settings()
    topics = week_topics(monday, now=now, rule=rule)
    _start, end = week_window(monday)
    return {
        "week": monday.isoformat(),
        "week_end": (monday + timedelta(days=6)).isoformat(),
        "as_of": min(now, end).isoformat(),
        "complete": now >= end,
        "rule": rule.as_dict(),
        "topics": [t.as_dict() for t in topics],
    }


# --- the monthly hot list ------------------------------------------------------------------------------


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The month before a whole month; otherwise the as many days just before."""
    if date_from.day == 1 and (date_to + timedelta(days=1)).day == 1:
        last = date_from - timedelta(days=1)
        return last.replace(day=1), last
    length = date_to - date_from + timedelta(days=1)
    return date_from - length, date_from - timedelta(days=1)


def _period_counts(start: datetime, end: datetime, digits: int, area_ids: set[int]) -> Counter:
    rows = (
        counted_tickets()
        .filter(received_at__gte=start, received_at__lt=end, area_id__in=area_ids)
        .values_list("area_id", "subject_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    codes = _codes(digits)
    out: Counter = Counter()
    for area_id, subject_id, n in rows:
        if subject_id in codes:
            out[(area_id, codes[subject_id])] += n
    return out


def tickets_url(area: str, subject: str, first: str, last: str) -> str:
    """The drill-down: the tickets of a topic between two dates (inclusive)."""
    query = urlencode({"area": area, "subject": subject, "from": first, "to": last})
    return f"{reverse('hotline:hot-tickets')}?{query}"


def topic_tickets(area_id: int, code: str, start: datetime, end: datetime):
    return counted_tickets().filter(
        area_id=area_id, subject__code__startswith=code, received_at__gte=start, received_at__lt=end
    )


def month_list(date_from: date, date_to: date, *, now: datetime, rule: HotRule | None = None) -> dict:
    """热点清单 of a period (a month): every topic hot in a week that touches the period, with its tickets
    in the period, in the period as long before it (change), the weeks it was hot, example tickets and its
    proactive task. JSON-safe: the assessment report stores it as it was."""
    rule = rule or HotRule.from_settings()
    first_week, last_week = week_of(date_from), week_of(date_to)
    weeks = (last_week - first_week).days // 7 + 1
    first = first_week - timedelta(days=7 * rule.baseline_weeks)
    counts = weekly_counts(first, rule.baseline_weeks + weeks, digits=rule.subject_digits, end=now)
    hot = _evaluate(counts, rule, first, range(rule.baseline_weeks, rule.baseline_weeks + weeks))
    _names(hot)
    by_topic: dict[tuple[int, str], list[Topic]] = {}
    for t in hot:
        by_topic.setdefault((t.area_id, t.subject_code), []).append(t)
    start, end = lights.start_of(date_from), lights.end_of(date_to)
    prev_from, prev_to = previous_period(date_from, date_to)
    before = lights.start_of(prev_from)
    areas = {a for a, _c in by_topic}
    now_counts = _period_counts(start, min(end, now), rule.subject_digits, areas)
    then_counts = _period_counts(before, start, rule.subject_digits, areas)
    rows = []
    for (area_id, code), weeks_hot in by_topic.items():
        weeks_hot.sort(key=lambda t: t.week)
        last = weeks_hot[-1]
        n, previous = now_counts.get((area_id, code), 0), then_counts.get((area_id, code), 0)
        rows.append(
            {
                "area": last.area_code,
                "area_name": last.area_name,
                "subject": code,
                "subject_name": last.subject_name,
                "count": n,
                "previous": previous,
                "change": n - previous,
                "change_pct": None if not previous else round((n - previous) * 100 / previous, 1),
                "weeks": [
                    {
                        "week": t.week.isoformat(),
                        "week_end": (t.week + timedelta(days=6)).isoformat(),
                        "count": t.count,
                        "baseline": str(t.baseline),
                        "threshold": t.threshold,
                        "task": t.task,
                    }
                    for t in weeks_hot
                ],
                "peak": max(t.count for t in weeks_hot),
                "examples": [
                    {"id": pk, "number": number, "title": title}
                    for pk, number, title in topic_tickets(area_id, code, start, end)
                    .order_by("-received_at", "-id")
                    .values_list("pk", "number", "title")[:EXAMPLES]
                ],
            }
        )
    rows.sort(key=lambda r: (-r["peak"], -r["count"], r["subject"], r["area"]))
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "previous": {"from": prev_from.isoformat(), "to": prev_to.isoformat()},
        "as_of": now.isoformat(),
        "rule": rule.as_dict(),
        "topics": rows[:LIST_LIMIT],
        "more": max(len(rows) - LIST_LIMIT, 0),
    }


# --- the section of the monthly assessment report and the leaders' dashboard ----------------------------


def section_compute(date_from: date, date_to: date, *, now: datetime) -> dict:
    return month_list(date_from, date_to, now=now)


def section_tables(data: dict) -> list:
    from govhall.stats.export import Column, Table

    period, before = data["period"], data["previous"]
    rows, links = [], []
    for r in data["topics"]:
        rows.append(
            {
                "area": r["area_name"],
                "subject": f"{r['subject']} {r['subject_name']}",
                "count": r["count"],
                "previous": r["previous"],
                "change": r["change"],
                "change_pct": r["change_pct"],
                "weeks": "; ".join(f"{w['week']}: {w['count']} / {w['baseline']}" for w in r["weeks"]),
                "examples": "; ".join(f"{e['number']} {e['title']}" for e in r["examples"]),
                "tasks": "; ".join(w["task"]["number"] for w in r["weeks"] if w["task"]) or "—",
            }
        )
        links.append(
            {
                "count": tickets_url(r["area"], r["subject"], period["from"], period["to"]),
                "previous": tickets_url(r["area"], r["subject"], before["from"], before["to"]),
            }
        )
    rule = data["rule"]
    table = Table(
        "hotline_hot",
        _("Hotline: hot topics"),
        [
            Column("area", _("Area")),
            Column("subject", _("Subject")),
            Column("count", _("Tickets"), "int"),
            Column("previous", _("The month before"), "int"),
            Column("change", _("Difference"), "int"),
            Column("change_pct", _("Difference %"), "num"),
            Column("weeks", _("Hot weeks: tickets / baseline")),
            Column("examples", _("Example tickets")),
            Column("tasks", _("Proactive tasks")),
        ],
        rows,
        note=_(
            "A topic (area × subject) is hot in a week when its tickets reach %(n)s and exceed %(m)s × its "
            "mean of the %(w)s weeks before; listed when hot in a week that touches the period."
        )
        % {"n": rule["min_count"], "m": rule["multiple"], "w": rule["baseline_weeks"]},
    )
    table.links = links
    return [table]


def register_section() -> None:
    """Called from HotlineConfig.ready(): the hot list in the assessment report and the dashboard."""
    from django.utils.translation import gettext_lazy

    from govhall.stats import sections

    sections.register(
        sections.Section(
            key="hotline_hot",
            title=gettext_lazy("12345 hotline: hot topics"),
            compute=section_compute,
            tables=section_tables,
            report_template="hotline/hot/_report.html",
            dashboard_template="hotline/hot/_dashboard.html",
            order=11,
        )
    )
