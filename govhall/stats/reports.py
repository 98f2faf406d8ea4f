"""The monthly assessment report (考核通报): generated as a draft, regenerated at will, frozen once published.

Services: `generate_monthly(month, *, now, user=None)` and `publish_report(report, *, by, now, version)`,
one transaction each. The report's figures are computed once and stored in `Report.data` (names
included), so a published report reads the same for ever, whatever happens to the cases afterwards.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.errors import StaleVersion
from govhall.stats import ranking as ranking_module
from govhall.stats import sections
from govhall.stats.drilldown import cases_for
from govhall.stats.models import PublishedReportIsFrozen, Report, ReportState
from govhall.stats.permissions import may_see
from govhall.stats.queries import Filters, month_range, supervision, table
from govhall.workdays import calendar as workdays

# Figures compared with the previous month, in the report's order.
CHANGES = (
    "received",
    "accepted",
    "concluded",
    "rejected",
    "open_overdue",
    "on_time_rate",
    "on_time_rate_conventional",
    "early_rate",
    "avg_days_used",
    "p90_days_used",
    "first_time_rate",
    "supplement_rate",
    "rejection_rate",
    "cards_issued",
    "orders_issued",
)
LIST_LIMIT = 1000  # overdue cases and cards listed in a report (the totals are always exact)


class ReportError(ValueError):
    """Bad input for a report service, naming the field and the rule."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_month(text: str) -> date:
    """'2026-10' → 2026-10-01."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ReportError("month", _("%(value)s is not a month (YYYY-MM).") % {"value": text})
    return date(int(match.group(1)), int(match.group(2)), 1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def _require(user) -> None:
    if user is not None and not may_see(user):
        raise PermissionDenied(
            _("Only leaders, supervisors and administrators generate and publish reports.")
        )


# --- services ---------------------------------------------------------------------------------------------


def generate_monthly(month: date, *, now: datetime, user=None) -> Report:
    """Compute the month's report and store it as a draft (a draft of the month is replaced; a published
    one is refused: PublishedReportIsFrozen). `user` None: the command."""
    _require(user)
    month = month.replace(day=1)
    if month > timezone.localdate(now):
        raise ReportError("month", _("The month %(month)s has not begun.") % {"month": f"{month:%Y-%m}"})
    try:
        return _generate(month, now=now, user=user)
    except IntegrityError:
        # Two first generations of the same month at once: the second replaces the first's draft.
        return _generate(month, now=now, user=user)


@transaction.atomic
def _generate(month: date, *, now: datetime, user) -> Report:
    report = Report.objects.select_for_update().filter(month=month).first()
    if report is not None and report.state == ReportState.PUBLISHED:
        raise PublishedReportIsFrozen(report)
    data = compute(month, today=timezone.localdate(now), now=now)
    if report is None:
        return Report.objects.create(month=month, data=data, generated_at=now, generated_by=user)
    report.data = data
    report.generated_at = now
    report.generated_by = user
    report.version += 1
    report.save()
    return report


@transaction.atomic
def publish_report(report: Report, *, by, now: datetime, version: int | None = None) -> Report:
    """Freeze the draft the caller read (`version`; None from the command: the current one).

    A month's report is published once the month has ended; a published report never changes."""
    _require(by)
    current = Report.objects.select_for_update().get(pk=report.pk)
    if current.state == ReportState.PUBLISHED:
        raise PublishedReportIsFrozen(current)
    if version is not None and version != current.version:
        raise StaleVersion(expected=version, actual=current.version, what=_("report"))
    _first, last = month_range(current.month)
    if timezone.localdate(now) <= last:
        raise ReportError(
            "month",
            _("The report for %(month)s can be published once the month has ended.")
            % {"month": f"{current.month:%Y-%m}"},
        )
    updated = Report.objects.filter(pk=current.pk, state=ReportState.DRAFT, version=current.version).update(
        state=ReportState.PUBLISHED, published_at=now, published_by=by
    )
    assert updated == 1  # the row is locked
    current.refresh_from_db()
    return current


# --- the figures -------------------------------------------------------------------------------------------


def _num(value):
    """JSON-safe numbers: Decimals as floats."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _change(current, previous):
    if current is None or previous is None:
        return None
    return round(current - previous, 2)


def compute(month: date, *, today: date | None = None, now: datetime | None = None) -> dict:
    """Everything the report shows, as plain JSON. `today`: the day of generation (a rectification within
    its limit on that day is not yet due); the month's end by default. `now`: the moment of generation,
    for the registered sections (govhall.stats.sections); the start of `today` by default."""
    start, end = month_range(month)
    today = end + timedelta(days=1) if today is None else today
    if now is None:
        now = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    f = Filters(start, end)
    prev_start, prev_end = month_range(previous_month(month))
    pf = Filters(prev_start, prev_end)

    totals = table(f, None)[None] | supervision(f)[None]
    prev_totals = table(pf, None)[None] | supervision(pf)[None]
    kinds = table(f, "kind")
    channels = table(f, "channel")

    ranked = ranking_module.department_ranking(f)
    before = ranking_module.department_ranking(pf, weights=ranked.weights, min_cases=ranked.min_cases)
    previous_ranks = {e.department: e.rank for e in before.ranked}

    def entry(e, rank_change=True) -> dict:
        cards = ranked.cards.get(e.department, {})
        prev = previous_ranks.get(e.department)
        return {
            "rank": e.rank,
            "previous_rank": prev,
            "rank_change": (prev - e.rank) if (rank_change and prev and e.rank) else None,
            "department_id": e.department,
            "code": e.code,
            "name": e.name,
            "assessed": e.assessed,
            "score": _num(e.score),
            "values": {k: _num(v) for k, v in e.values.items()},
            "accepted": e.figures["accepted"],
            "concluded": e.figures["concluded"],
            "open_overdue": e.figures["open_overdue"],
            "on_time_rate": e.figures["on_time_rate"],
            "on_time_rate_conventional": e.figures["on_time_rate_conventional"],
            "first_time_rate": e.figures["first_time_rate"],
            "avg_days_used": e.figures["avg_days_used"],
            "cards_issued": cards.get("cards_issued", 0),
            "orders_issued": cards.get("orders_issued", 0),
            **ranked.ratings_of(e.department),  # ratingstats
            "reason": e.reason,
        }

    return {
        "month": f"{month:%Y-%m}",
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "previous_month": f"{prev_start:%Y-%m}",
        "summary": {k: _num(v) for k, v in totals.items()},
        "by_kind": {str(k): v["accepted"] for k, v in kinds.items()},
        "by_channel": {str(k): v["received"] for k, v in channels.items()},
        "changes": [
            {
                "key": k,
                "current": totals.get(k),
                "previous": prev_totals.get(k),
                "change": _change(totals.get(k), prev_totals.get(k)),
            }
            for k in CHANGES
        ],
        "ranking": {
            "weights": {k: str(w) for k, w in ranked.weights.items()},
            "min_cases": ranked.min_cases,
            "ranked": [entry(e) for e in ranked.ranked],
            "unranked": [entry(e, rank_change=False) for e in ranked.unranked],
        },
        "overdue": _overdue(f),
        "cards": _cards(f),
        "ratings": _ratings(f, today),  # ratingstats
        "sections": sections.compute_all(start, end, now=now),  # the apps' sections (hotline)
    }


def _ratings(f: Filters, today: date) -> dict:
    """ratingstats: the month's rating figures, of the whole centre and of each department."""
    from govhall.catalog.models import Department
    from govhall.stats import ratingstats

    rows = ratingstats.table(f, "department", today=today)
    empty = ratingstats.figures(Counter())
    return {
        "summary": ratingstats.summary(f, today=today),
        "departments": [
            {"department_id": d.pk, "code": d.code, "name": d.name, **rows.get(d.pk, empty)}
            for d in Department.objects.order_by("code")
        ],
    }


def _overdue(f: Filters) -> dict:
    cases = (
        cases_for(f, "open_overdue")
        .select_related("item", "item__department", "hall")
        .order_by("promised_due", "number")
    )
    rows = [
        {
            "case_id": c.pk,
            "number": c.number,
            "item": c.item.name if c.item else "",
            "department": c.item.department.name if c.item else "",
            "hall": c.hall.name,
            "kind": c.kind,
            "accepted": c.acceptance_date.isoformat() if c.acceptance_date else None,
            "due": c.promised_due.isoformat(),
            "days_overdue": workdays.workdays_between(c.promised_due, f.date_to),
            "state": c.state,
        }
        for c in cases[:LIST_LIMIT]
    ]
    total = len(rows) if len(rows) < LIST_LIMIT else cases.count()
    return {"total": total, "rows": rows}


def _cards(f: Filters) -> dict:
    from govhall.supervision.models import Card

    tz = timezone.get_current_timezone()
    cards = (
        Card.objects.filter(issued_at__date__range=(f.date_from, f.date_to))
        .select_related("department", "case")
        .order_by("issued_at", "pk")
    )
    rows = [
        {
            "card_id": c.pk,
            "kind": c.kind,
            "rule": c.rule,
            "department": c.department.name,
            "case_id": c.case_id,
            "number": c.case.number if c.case else "",
            "issued": timezone.localtime(c.issued_at, tz).date().isoformat(),
            "state": c.state,
            "reason": c.reason[:200],
        }
        for c in cards[:LIST_LIMIT]
    ]
    total = len(rows) if len(rows) < LIST_LIMIT else cards.count()
    return {"total": total, "rows": rows}
