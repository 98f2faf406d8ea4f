"""The hot-topic pages (docs/hotline-hot.md): the centre's board of this week's hot topics (热点, refreshed as
tickets come in), the leaders' monthly hot list (热点清单) with its charts and the button that turns a topic
into a proactive task (未诉先办), and the tickets behind every figure. Adapters: parse, call, render."""

from __future__ import annotations

from datetime import date, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.catalog.models import Department
from govhall.hotline import hot, queries
from govhall.hotline.api_hot import may_read_hot
from govhall.hotline.errors import TaskExists, TicketForbidden
from govhall.hotline.hot import tickets_url
from govhall.hotline.models import Area
from govhall.hotline.services.common import is_centre, may_dispatch_proactive
from govhall.hotline.services.proactive import create_proactive_task
from govhall.hotline.views import LIST_LABELS
from govhall.stats.queries import month_range
from govhall.stats.reports import ReportError, parse_month, previous_month
from govhall.supervision import lights
from govhall.workdays import calendar as workdays

LIST_LIMIT = 200
BAD_REQUEST = 400


def hot_readers(view):
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_read_hot(request.user):
            raise PermissionDenied(_("Your role has no access to this page."))
        return view(request, *args, **kwargs)

    return wrapped


def _board_chart(data: dict) -> dict:
    return {
        "labels": [f"{t['area_name']} · {t['subject_name']}" for t in data["topics"]],
        "counts": [t["count"] for t in data["topics"]],
        "thresholds": [t["threshold"] for t in data["topics"]],
        "urls": [tickets_url(t["area"], t["subject"], t["week"], t["week_end"]) for t in data["topics"]],
    }


@require_GET
@hot_readers
def board(request: HttpRequest) -> HttpResponse:
    """热点 of a week (this week by default), counted up to now; the topics' part is polled by htmx."""
    now = timezone.now()
    try:
        monday = hot.parse_week(request.GET.get("week", ""), today=timezone.localdate(now))
    except ValueError as exc:
        return render(request, "hotline/hot/board.html", {"error": str(exc)}, status=BAD_REQUEST)
    data = hot.week_data(monday, now=now)
    for t in data["topics"]:
        t["url"] = tickets_url(t["area"], t["subject"], t["week"], t["week_end"])
    context = {
        "data": data,
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "chart": _board_chart(data),
        "poll": 60,
        "centre": is_centre(request.user),
        "list_labels": LIST_LABELS,
        "counts": queries.centre_counts() if is_centre(request.user) else {},
        "this_week": monday == hot.week_of(timezone.localdate(now)),
    }
    if request.GET.get("part") == "topics":
        context["counts"] = {}
        return render(request, "hotline/hot/_topics.html", context)
    return render(request, "hotline/hot/board.html", context)


def _month(request: HttpRequest) -> date:
    text = request.GET.get("month") or request.POST.get("month") or f"{timezone.localdate():%Y-%m}"
    return parse_month(text)


def month_context(data: dict, *, may_order: bool, today: date) -> dict:
    """The rows with their links, and the chart's data (this period vs the one before, per topic)."""
    period, before = data["period"], data["previous"]
    for row in data["topics"]:
        row["url"] = tickets_url(row["area"], row["subject"], period["from"], period["to"])
        row["previous_url"] = tickets_url(row["area"], row["subject"], before["from"], before["to"])
        for w in row["weeks"]:
            w["url"] = tickets_url(row["area"], row["subject"], w["week"], w["week_end"])
        open_weeks = [w for w in row["weeks"] if not w["task"]]
        row["task_week"] = open_weeks[-1]["week"] if may_order and open_weeks else ""
        row["tasks"] = [w["task"] for w in row["weeks"] if w["task"]]
    labels = [f"{r['area_name']} · {r['subject_name']}" for r in data["topics"]]
    return {
        "labels": labels,
        "counts": [r["count"] for r in data["topics"]],
        "previous": [r["previous"] for r in data["topics"]],
        "urls": [r["url"] for r in data["topics"]],
        "previous_urls": [r["previous_url"] for r in data["topics"]],
        "names": [_("This month"), _("The month before")],
    }


def _default_due(today: date) -> date:
    return workdays.add_workdays(today, 5)


@require_GET
@hot_readers
def month(request: HttpRequest) -> HttpResponse:
    try:
        shown = _month(request)
    except ReportError as exc:
        return render(request, "hotline/hot/month.html", {"error": str(exc)}, status=BAD_REQUEST)
    first, last = month_range(shown)
    now = timezone.now()
    data = hot.month_list(first, last, now=now)
    may_order = may_dispatch_proactive(request.user)
    chart = month_context(data, may_order=may_order, today=timezone.localdate(now))
    context = {
        "data": data,
        "month": f"{shown:%Y-%m}",
        "first": first,
        "last": last,
        "previous": f"{previous_month(shown):%Y-%m}",
        "next": f"{last + timedelta(days=1):%Y-%m}",
        "chart": chart,
        "may_order": may_order,
        "units": Department.objects.order_by("code").only("code", "name") if may_order else [],
        "due": _default_due(timezone.localdate(now)),
    }
    return render(request, "hotline/hot/month.html", context)


@require_POST
@hot_readers
def task(request: HttpRequest) -> HttpResponse:
    """The hot list's button: the topic's week becomes a proactive task (errors come back as messages)."""
    back = reverse("hotline:hot-month") + "?" + urlencode({"month": request.POST.get("month", "")[:7]})
    try:
        week = date.fromisoformat(request.POST.get("week", ""))
        due = date.fromisoformat(request.POST.get("due_date", ""))
    except ValueError:
        messages.error(request, _("Give the week and the deadline as dates (YYYY-MM-DD)."))
        return redirect(back)
    try:
        made = create_proactive_task(
            area=request.POST.get("area", ""),
            subject=request.POST.get("subject", ""),
            week=week,
            unit=request.POST.get("unit", ""),
            due_date=due,
            title=request.POST.get("title", ""),
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(f"{m}" for msgs in error.message_dict.values() for m in msgs))
    except (TaskExists, TicketForbidden) as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Proactive task %(number)s dispatched.") % {"number": made.ticket.number},
        )
    return redirect(back)


@require_GET
@hot_readers
def tickets(request: HttpRequest) -> HttpResponse:
    """The tickets behind a figure: a topic (area × subject) between two dates."""
    try:
        first = date.fromisoformat(request.GET.get("from", ""))
        last = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        context = {"error": _("from, to: dates (YYYY-MM-DD).")}
        return render(request, "hotline/hot/tickets.html", context, status=BAD_REQUEST)
    area = Area.objects.filter(code=request.GET.get("area", "")[:12]).first()
    code = request.GET.get("subject", "")[:6]
    if area is None or not code.isdigit() or last < first:
        context = {"error": _("area, subject: a topic's area and subject codes; to not before from.")}
        return render(request, "hotline/hot/tickets.html", context, status=BAD_REQUEST)
    rows = hot.topic_tickets(area.pk, code, lights.start_of(first), lights.end_of(last))
    total = rows.count()
    listed = list(rows.select_related("subject").order_by("received_at", "pk")[:LIST_LIMIT])
    context = {
        "area": area,
        "subject": code,
        "first": first,
        "last": last,
        "rows": listed,
        "total": total,
        "more": total > len(listed),
        "centre": is_centre(request.user),
    }
    return render(request, "hotline/hot/tickets.html", context)
