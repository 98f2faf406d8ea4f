"""The hotline's statistics pages: the figures by unit for a month (or a period), with charts, definitions
and the ranking, and the tickets behind each figure. Leaders, supervisors and administrators only (the
statistics pages' rule, govhall.stats.permissions)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from govhall.catalog.models import Department
from govhall.hotline import stats
from govhall.hotline.models import CallbackOutcome, Channel, RequestType
from govhall.hotline.stats_tables import definitions, section_tables, volume_label
from govhall.stats.queries import month_range
from govhall.stats.reports import ReportError, parse_month, previous_month
from govhall.stats.views import leaders_only

LIST_LIMIT = 200
BAD_REQUEST = 400


class PeriodError(ValueError):
    pass


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            _("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"field": field, "value": text[:20]}
        ) from None


def _period(request: HttpRequest) -> tuple[date, date, str]:
    """(first day, last day, the month as YYYY-MM or "") from ?month= or ?from=&to=; this month by default."""
    if request.GET.get("from") or request.GET.get("to"):
        first = _date(request.GET.get("from", ""), "from")
        last = _date(request.GET.get("to", ""), "to")
        if last < first:
            raise PeriodError(_("to: the last day comes before the first."))
        return first, last, ""
    text = request.GET.get("month") or f"{timezone.localdate():%Y-%m}"
    try:
        month = parse_month(text)
    except ReportError as exc:
        raise PeriodError(str(exc)) from None
    first, last = month_range(month)
    return first, last, f"{month:%Y-%m}"


def _charts(data: dict) -> dict:
    units = data["units"]
    return {
        "units": {
            "labels": [u["name"] for u in units],
            "series": [
                {
                    "name": str(stats.INDICATORS[k].label),
                    "values": [u[stats.INDICATORS[k].rate] for u in units],
                }
                for k in ("sign", "closure", "satisfaction", "solved")
            ],
        },
        "channels": [
            {"name": volume_label("channel", r["key"], r["name"]), "value": r["n"]}
            for r in data["volume"]["channel"]
        ],
        "subjects": {
            "labels": [volume_label("subject1", r["key"], r["name"]) for r in data["volume"]["subject1"]],
            "values": [r["n"] for r in data["volume"]["subject1"]],
        },
    }


@require_GET
@leaders_only
def index(request: HttpRequest) -> HttpResponse:
    try:
        first, last, month = _period(request)
    except PeriodError as exc:
        context = {"error": str(exc), "month": request.GET.get("month", "")[:7]}
        return render(request, "hotline/stats/index.html", context, status=BAD_REQUEST)
    data = stats.compute(first, last, now=timezone.now())
    shown = parse_month(month) if month else first.replace(day=1)
    context = {
        "data": data,
        "month": month,
        "first": first,
        "last": last,
        "previous": f"{previous_month(shown):%Y-%m}",
        "next": f"{month_range(shown)[1] + timedelta(days=1):%Y-%m}",
        "tables": section_tables(data),
        "definitions": definitions(),
        "charts": _charts(data),
    }
    return render(request, "hotline/stats/index.html", context)


def _ticket_url(pk: int) -> str:
    """The ticket's page, once the desk's pages name it; no link before."""
    try:
        return reverse("hotline:ticket", args=[pk])
    except NoReverseMatch:
        return ""


def _narrow(rows, indicator: str, request: HttpRequest):
    """The volume filters of the drill-down (received tickets only): channel, request_type, subject, area."""
    if indicator != "received":
        return rows
    channel = request.GET.get("channel", "")
    if channel:
        if channel not in Channel.values:
            raise Http404(_("No such channel."))
        rows = rows.filter(channel=channel)
    kind = request.GET.get("request_type", "")
    if kind:
        if kind not in RequestType.values:
            raise Http404(_("No such request type."))
        rows = rows.filter(request_type=kind)
    subject = request.GET.get("subject", "")
    if subject:
        rows = rows.filter(subject__code__startswith=subject[:6])
    area = request.GET.get("area", "")
    if area == "-":
        rows = rows.filter(area__isnull=True)
    elif area:
        rows = rows.filter(area__code=area[:12])
    return rows


@require_GET
@leaders_only
def tickets(request: HttpRequest) -> HttpResponse:
    """The tickets (or dispatches) behind one figure: its whole sample, or with hit=1 those it counts,
    hit=0 the others; the first LIST_LIMIT and how many."""
    key = request.GET.get("indicator", "")
    if key not in stats.INDICATORS:
        raise Http404(_("No such figure."))
    indicator = stats.INDICATORS[key]
    try:
        first, last, month = _period(request)
    except PeriodError as exc:
        return render(request, "hotline/stats/tickets.html", {"error": str(exc)}, status=BAD_REQUEST)
    code = request.GET.get("unit", "")
    unit = None
    if code:
        unit = Department.objects.filter(code=code[:20]).first()
        if unit is None:
            raise Http404(_("No such unit."))
    hit = request.GET.get("hit", "")
    if hit not in ("", "0", "1"):
        raise Http404(_("No such figure."))
    start, end = stats.window(first, last)
    rows = stats.counted(key, start, end, timezone.now())
    if unit is not None:
        rows = rows.filter(**{"unit_id" if indicator.on == "dispatch" else "lead_unit": unit.pk})
    rows = _narrow(rows, key, request)
    if hit:
        rows = rows.filter(counted=hit == "1")
    totals = rows.order_by().aggregate(n=Count("pk"))
    if indicator.on == "dispatch":
        rows = rows.select_related("ticket", "unit").order_by("dispatched_at", "pk")
    else:
        rows = rows.select_related("subject").order_by("received_at", "pk")
    listed = list(rows[:LIST_LIMIT])
    outcomes = dict(CallbackOutcome.choices)
    for row in listed:
        ticket = row.ticket if indicator.on == "dispatch" else row
        row.ticket_number = ticket.number
        row.ticket_title = ticket.title
        row.ticket_url = _ticket_url(ticket.pk)
        row.outcome_label = outcomes.get(getattr(row, "cb_outcome", "") or "", "")
    context = {
        "indicator": indicator,
        "unit": unit,
        "hit": hit,
        "month": month,
        "first": first,
        "last": last,
        "rows": listed,
        "total": totals["n"],
        "more": totals["n"] > len(listed),
        "limit": LIST_LIMIT,
        "back": reverse("hotline:stats") + (f"?month={month}" if month else f"?from={first}&to={last}"),
    }
    return render(request, "hotline/stats/tickets.html", context)


@require_GET
@leaders_only
def knowledge_entries(request: HttpRequest) -> HttpResponse:
    """The entries behind the upkeep figure: a unit's entries (all, or past their review date) as of a day."""
    from govhall.hotline.stats_more import entries_past_review

    try:
        as_of = _date(request.GET.get("as_of", "") or f"{timezone.localdate()}", "as_of")
    except PeriodError as exc:
        return render(request, "hotline/stats/knowledge.html", {"error": str(exc)}, status=BAD_REQUEST)
    code = request.GET.get("unit", "")
    unit = None
    if code:
        unit = Department.objects.filter(code=code[:20]).first()
        if unit is None:
            raise Http404(_("No such unit."))
    past = request.GET.get("past", "1") == "1"
    rows = entries_past_review(as_of, unit, past=past)
    total = rows.count()
    context = {
        "rows": list(rows[:LIST_LIMIT]),
        "total": total,
        "more": total > LIST_LIMIT,
        "unit": unit,
        "as_of": as_of,
        "past": past,
        "back": reverse("hotline:stats"),
    }
    return render(request, "hotline/stats/knowledge.html", context)
