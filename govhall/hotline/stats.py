"""The hotline's figures per unit and period (docs/hotline-stats.md): on-time sign-for, on-time closure,
satisfaction, solved, redo and return rates, the volume by channel, type, subject and area, and the ranking
of the units. Every figure is one SQL aggregate over one population; `population()` is that population, so
the page's figure and the list of its tickets (drill-down) are the same query.

Statistics sees these figures through its registry of report sections (govhall.stats.sections): `SECTION`
is registered in HotlineConfig.ready(), and the monthly assessment report and the leaders' dashboard show it.

Dispatch figures belong to the dispatch's unit; ticket figures (satisfaction, solved, redo, volume) to the
lead unit of the ticket's last round (its latest lead dispatch of that round that was not withdrawn).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import Department
from govhall.hotline.models import (
    CallbackAttempt,
    CallbackOutcome,
    Closure,
    Dispatch,
    DispatchRole,
    DispatchState,
    Subject,
    Ticket,
    TicketEvent,
)
from govhall.hotline.models.tickets import OPEN_DISPATCH_STATES
from govhall.stats.indicators import rate, score
from govhall.supervision import lights


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object  # the rate's (or count's) label
    definition: object
    on: str  # "dispatch" or "ticket": what the drill-down lists
    sample: str | None  # the figure names in a unit's row: denominator, numerator, rate
    hit: str
    rate: str | None


INDICATORS = {
    i.key: i
    for i in (
        Indicator(
            "sign",
            _("On-time sign-for rate %"),
            _(
                "Dispatches of the period signed for by their sign-for deadline ÷ dispatches of the period. "
                "Withdrawn dispatches are left out; a dispatch still waiting after its deadline counts as "
                "late; one still waiting before its deadline is not yet counted."
            ),
            "dispatch",
            "sign_sample",
            "sign_on_time",
            "sign_rate",
        ),
        Indicator(
            "closure",
            _("On-time closure rate %"),
            _(
                "Dispatches done in the period (lead unit: replied; co-unit: contributed) by their "
                "handling deadline, after approved extensions ÷ (dispatches done in the period + dispatches "
                "open and overdue at the end of the period). As the cases' on-time rate: work left overdue "
                "counts against the unit."
            ),
            "dispatch",
            "closure_sample",
            "closure_on_time",
            "closure_rate",
        ),
        Indicator(
            "satisfaction",
            _("Satisfaction rate %"),
            _(
                "(Satisfied + fairly satisfied) ÷ tickets whose final callback (the last attempt of the "
                "ticket's last round) in the period was satisfied, fairly satisfied or dissatisfied. "
                "Callers not reached are left out and counted apart."
            ),
            "ticket",
            "sat_sample",
            "satisfied",
            "satisfaction_rate",
        ),
        Indicator(
            "solved",
            _("Solved rate %"),
            _(
                "Tickets the caller said were solved ÷ tickets whose final callback in the period answered "
                "“solved?”."
            ),
            "ticket",
            "solved_sample",
            "solved",
            "solved_rate",
        ),
        Indicator(
            "redo",
            _("Redo rate %"),
            _("Tickets replied in the period that were redone (round 1 or more) ÷ tickets replied."),
            "ticket",
            "replied",
            "redone",
            "redo_rate",
        ),
        Indicator(
            "return",
            _("Return rate %"),
            _("Dispatches of the period whose unit asked to return them ÷ dispatches of the period."),
            "dispatch",
            "dispatches",
            "returned",
            "return_rate",
        ),
        Indicator(
            "unreachable",
            _("Callers not reached"),
            _("Tickets closed in the period because the caller could not be reached at the callback."),
            "ticket",
            None,
            "unreachable",
            None,
        ),
        Indicator(
            "received",
            _("Tickets received"),
            _("Tickets received in the period (by the lead unit of their last round, once dispatched)."),
            "ticket",
            None,
            "received",
            None,
        ),
    )
}
RATE_KEYS = ("sign", "closure", "satisfaction", "solved", "redo", "return")
# The ranking's weights (0–100 values, more is better; redo and return count against) and its sample.
WEIGHTS = {
    "sign": Decimal("15"),
    "closure": Decimal("30"),
    "satisfaction": Decimal("30"),
    "solved": Decimal("15"),
    "redo": Decimal("5"),
    "return": Decimal("5"),
}
AGAINST = frozenset({"redo", "return"})
SAMPLE = "closure_sample"  # as the cases' ranking: the on-time rate's denominator
VOLUMES = ("channel", "request_type", "subject1", "subject2", "area")


def min_sample() -> int:
    return settings.GOVHALL_HOTLINE_RANK_MIN_SAMPLE


def window(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start, end): local midnight of the first day to local midnight after the last."""
    return lights.start_of(date_from), lights.end_of(date_to)


def _lead_unit() -> Subquery:
    lead = Dispatch.objects.filter(ticket=OuterRef("pk"), role=DispatchRole.LEAD, round=OuterRef("round"))
    return Subquery(lead.exclude(state=DispatchState.WITHDRAWN).order_by("-id").values("unit_id")[:1])


def _final_callbacks(start: datetime, end: datetime) -> QuerySet:
    """Tickets whose final callback (last attempt of the last round) fell in [start, end), annotated."""
    last = CallbackAttempt.objects.filter(ticket=OuterRef("pk"), round=OuterRef("round")).order_by(
        "-at", "-id"
    )
    in_period = CallbackAttempt.objects.filter(at__gte=start, at__lt=end).values("ticket_id")
    return (
        Ticket.objects.filter(pk__in=in_period)
        .annotate(
            cb_at=Subquery(last.values("at")[:1]),
            cb_outcome=Subquery(last.values("outcome")[:1]),
            cb_solved=Subquery(last.values("solved")[:1]),
        )
        .filter(cb_at__gte=start, cb_at__lt=end)
    )


def population(key: str, start: datetime, end: datetime, now: datetime) -> tuple[QuerySet, Q, str]:
    """(rows counted, the condition of the numerator, the unit field) of one indicator over [start, end),
    evaluated at `now` (what is still undecided at that moment is left out)."""
    cut = min(end, now)
    if key == "sign":
        rows = (
            Dispatch.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end)
            .exclude(state=DispatchState.WITHDRAWN)
            .filter(Q(signed_at__isnull=False) | Q(sign_due_at__lte=now))
        )
        return rows, Q(signed_at__isnull=False, signed_at__lte=F("sign_due_at")), "unit_id"
    if key == "closure":
        done = Q(state=DispatchState.DONE, done_at__gte=start, done_at__lt=end)
        open_at_cut = Q(state__in=OPEN_DISPATCH_STATES) | Q(state=DispatchState.DONE, done_at__gte=cut)
        # On time up to handle_due_at itself, as the handling services record it (on_time: now <= due).
        overdue = Q(dispatched_at__lt=cut, handle_due_at__lt=cut) & open_at_cut
        rows = Dispatch.objects.filter(done | overdue)
        return rows, done & Q(done_at__lte=F("handle_due_at")), "unit_id"
    if key == "return":
        rows = Dispatch.objects.filter(dispatched_at__gte=start, dispatched_at__lt=end)
        return rows, Q(returned_at__isnull=False), "unit_id"
    if key == "satisfaction":
        judged = (CallbackOutcome.SATISFIED, CallbackOutcome.FAIRLY, CallbackOutcome.DISSATISFIED)
        rows = _final_callbacks(start, end).filter(cb_outcome__in=judged)
        hit = Q(cb_outcome__in=(CallbackOutcome.SATISFIED, CallbackOutcome.FAIRLY))
    elif key == "solved":
        rows, hit = _final_callbacks(start, end).filter(cb_solved__isnull=False), Q(cb_solved=True)
    elif key == "redo":
        rows, hit = Ticket.objects.filter(replied_at__gte=start, replied_at__lt=end), Q(round__gte=1)
    elif key == "unreachable":
        rows = Ticket.objects.filter(closure=Closure.UNREACHABLE, closed_at__gte=start, closed_at__lt=end)
        hit = Q(pk__isnull=False)
    elif key == "received":
        rows, hit = Ticket.objects.filter(received_at__gte=start, received_at__lt=end), Q(pk__isnull=False)
    else:
        raise KeyError(key)
    return rows.annotate(lead_unit=_lead_unit()), hit, "lead_unit"


def counted(key: str, start: datetime, end: datetime, now: datetime) -> QuerySet:
    """The population annotated with `counted` (in the numerator), for the lists."""
    rows, hit, _unit = population(key, start, end, now)
    return rows.annotate(counted=ExpressionWrapper(hit, output_field=BooleanField()))


def _per_unit(key: str, start: datetime, end: datetime, now: datetime) -> dict:
    rows, hit, unit = population(key, start, end, now)
    out = {}
    for row in rows.values(unit).annotate(n=Count("pk"), hit=Count("pk", filter=hit)).order_by():
        out[row[unit]] = (row["n"], row["hit"])
    return out


def figures(counts: dict[str, tuple[int, int]]) -> dict:
    """A unit's (or the whole centre's) row from (sample, numerator) per indicator."""
    out: dict = {}
    for key, ind in INDICATORS.items():
        n, hit = counts.get(key, (0, 0))
        out[ind.hit] = hit
        if ind.sample:
            out[ind.sample] = n
            out[ind.rate] = rate(hit, n)
    return out


def scored(figs: dict) -> dict[str, Decimal | None]:
    """The 0–100 value of each ranked indicator (None: no sample)."""
    values = {}
    for key in RATE_KEYS:
        v = figs[INDICATORS[key].rate]
        values[key] = None if v is None else (100 - Decimal(str(v)) if key in AGAINST else Decimal(str(v)))
    return values


def rank(rows: list[dict], *, weights: dict[str, Decimal], minimum: int) -> tuple[list[dict], list[dict]]:
    """(ranked, not ranked). Ranked: a sample of at least `minimum` and a score; highest score first, equal
    scores share a rank and the next rank skips (1, 2, 2, 4) — the rule of govhall.stats.ranking.rank, whose
    function is bound to the cases' figures and so is not reused as such."""
    candidates, unranked = [], []
    for order, row in enumerate(rows):
        s = score(scored(row), weights)
        entry = {**row, "score": None if s is None else float(s), "rank": None, "reason": ""}
        if row[SAMPLE] < minimum:
            entry["reason"] = str(
                _("%(n)s assessed dispatches, fewer than the minimum of %(min)s")
                % {"n": row[SAMPLE], "min": minimum}
            )
            unranked.append(entry)
        elif s is None:
            entry["reason"] = str(_("no weighted indicator has a value"))
            unranked.append(entry)
        else:
            candidates.append((order, s, entry))
    candidates.sort(key=lambda c: (-c[1], c[0]))
    ranked: list[dict] = []
    previous = None
    for position, (_order, s, entry) in enumerate(candidates, start=1):
        entry["rank"] = ranked[-1]["rank"] if ranked and s == previous else position
        previous = s
        ranked.append(entry)
    return ranked, unranked


def _volumes(start: datetime, end: datetime) -> dict[str, list[dict]]:
    tickets = Ticket.objects.filter(received_at__gte=start, received_at__lt=end).order_by()
    out = {}
    for name, field in (("channel", "channel"), ("request_type", "request_type")):
        out[name] = [
            {"key": r[field], "name": r[field], "n": r["n"]}
            for r in tickets.values(field).annotate(n=Count("pk")).order_by("-n", field)
        ]
    for name, length in (("subject1", 2), ("subject2", 4)):
        rows = list(
            tickets.annotate(code=Substr("subject__code", 1, length))
            .values("code")
            .annotate(n=Count("pk"))
            .order_by("-n", "code")
        )
        titles = dict(Subject.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", "name"))
        out[name] = [{"key": r["code"], "name": titles.get(r["code"], r["code"]), "n": r["n"]} for r in rows]
    areas = [
        {"key": r["area__code"] or "", "name": r["area__name"] or "", "n": r["n"]}
        for r in tickets.values("area__code", "area__name").annotate(n=Count("pk")).order_by()
    ]
    # Sorted here: SQLite and PostgreSQL put NULL (no area) at opposite ends.
    out["area"] = sorted(areas, key=lambda r: (-r["n"], r["key"]))
    return out


def _lead_of(ticket_ref: str, round_ref: str) -> Subquery:
    lead = Dispatch.objects.filter(
        ticket=OuterRef(ticket_ref), role=DispatchRole.LEAD, round=OuterRef(round_ref)
    )
    return Subquery(lead.exclude(state=DispatchState.WITHDRAWN).order_by("-id").values("unit_id")[:1])


def repeats(start: datetime, end: datetime) -> dict:
    """重复件 per month × unit × subject: repeat calls (by the month of the call, on the ticket's lead unit
    and subject) and duplicates (tickets linked to a master, by the month received, on the master's lead
    unit). Neither is a new dispatched ticket: a repeat call makes no ticket, a duplicate no dispatch."""
    zone = timezone.get_current_timezone()
    calls = (
        TicketEvent.objects.filter(move="repeat_call", at__gte=start, at__lt=end)
        .annotate(
            month=TruncMonth("at", tzinfo=zone),
            unit=_lead_of("ticket_id", "ticket__round"),
            subj=F("ticket__subject_id"),
        )
        .values("month", "unit", "subj")
        .annotate(n=Count("pk"))
        .order_by()
    )
    linked = (
        Ticket.objects.filter(master__isnull=False, received_at__gte=start, received_at__lt=end)
        .annotate(
            month=TruncMonth("received_at", tzinfo=zone),
            unit=_lead_of("master_id", "master__round"),
            subj=F("subject_id"),
        )
        .values("month", "unit", "subj")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cells: dict[tuple, dict] = {}
    for field, rows in (("repeat_calls", calls), ("duplicates", linked)):
        for r in rows:
            month = timezone.localtime(r["month"]) if timezone.is_aware(r["month"]) else r["month"]
            key = (f"{month:%Y-%m}", r["unit"], r["subj"])
            cells.setdefault(key, {"repeat_calls": 0, "duplicates": 0})[field] += r["n"]
    units = {u.pk: u for u in Department.objects.filter(pk__in={k[1] for k in cells})}
    subjects = {s.pk: s for s in Subject.objects.filter(pk__in={k[2] for k in cells})}
    rows = []
    for (month, unit, subj), n in cells.items():
        row_unit = units.get(unit)
        rows.append(
            {
                "month": month,
                "unit": row_unit.code if row_unit else "",
                "unit_name": row_unit.name if row_unit else "",
                "subject": subjects[subj].code,
                "subject_name": subjects[subj].name,
                **n,
            }
        )
    rows.sort(key=lambda r: (r["month"], r["unit"], r["subject"]))
    return {
        "rows": rows,
        "repeat_calls": sum(r["repeat_calls"] for r in rows),
        "duplicates": sum(r["duplicates"] for r in rows),
    }


def compute(date_from: date, date_to: date, *, now: datetime, minimum: int | None = None) -> dict:
    """The period's figures as plain JSON (names included, so a published report reads the same for
    ever): totals, one row per unit, the ranking, the volumes."""
    start, end = window(date_from, date_to)
    per_key = {key: _per_unit(key, start, end, now) for key in INDICATORS}
    unit_ids = {u for counts in per_key.values() for u in counts if u is not None}
    units = Department.objects.filter(pk__in=unit_ids).order_by("code")
    rows = [
        {
            "unit_id": u.pk,
            "code": u.code,
            "name": u.name,
            **figures({key: counts.get(u.pk, (0, 0)) for key, counts in per_key.items()}),
        }
        for u in units
    ]
    totals = figures(
        {
            key: tuple(map(sum, zip(*counts.values(), strict=True))) or (0, 0)
            for key, counts in per_key.items()
        }
    )
    minimum = min_sample() if minimum is None else minimum
    ranked, unranked = rank(rows, weights=WEIGHTS, minimum=minimum)
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "as_of": now.isoformat(),
        "totals": totals,
        "units": rows,
        "ranking": {
            "min_sample": minimum,
            "weights": {k: str(w) for k, w in WEIGHTS.items()},
            "ranked": ranked,
            "unranked": unranked,
        },
        "volume": _volumes(start, end),
        "repeats": repeats(start, end),
        **_more(start, end, date_to, now),
    }


def _more(start: datetime, end: datetime, date_to: date, now: datetime) -> dict:
    """On-site inspections of the replies and the knowledge base's upkeep (govhall.hotline.stats_more)."""
    from govhall.hotline import stats_more

    return {
        "inspections": stats_more.inspection_rows(start, end),
        "upkeep": stats_more.upkeep_rows(stats_more.upkeep_day(date_to, now)),
    }


def _tables(data: dict) -> list:
    from govhall.hotline.stats_tables import section_tables

    return section_tables(data)


def register_section() -> None:
    """Called from HotlineConfig.ready(): the hotline's section of the report and of the dashboard."""
    from govhall.stats import sections

    sections.register(
        sections.Section(
            key="hotline",
            title=_("12345 hotline"),
            compute=compute,
            tables=_tables,
            report_template="hotline/stats/_report.html",
            dashboard_template="hotline/stats/_dashboard.html",
            order=10,
        )
    )
