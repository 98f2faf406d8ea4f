"""On-site inspections (现场督查) in the monthly assessment report and the leaders' dashboard: every kind
(12345 replies and halls' service), by the unit the verdict counts for. Statistics is above supervision,
so it reads supervision's tasks directly; it registers the section itself (StatsConfig.ready).

Per unit and kind, for the period: inspected (verdict given in the period), found done, found not done, the
not-done share, and the tasks still pending past their due time at the period's end (or now, for a period
not yet over). A hall without a department counts under its own name.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.stats import sections
from govhall.stats.export import Column, Table
from govhall.stats.indicators import rate
from govhall.supervision import inspections, lights
from govhall.supervision.models import Inspection, InspectionState

FIGURES = ("inspected", "done", "not_done", "overdue")


def compute(date_from: date, date_to: date, *, now: datetime) -> dict:
    start, end = lights.start_of(date_from), lights.end_of(date_to)
    cut = min(end, now)
    concluded = Q(
        state__in=(InspectionState.DONE, InspectionState.NOT_DONE), verdict_at__gte=start, verdict_at__lt=end
    )
    # Pending at the cut and overdue then: still pending now, or concluded after the cut.
    open_at_cut = Q(state=InspectionState.PENDING) | Q(
        verdict_at__gte=cut, state__in=(InspectionState.DONE, InspectionState.NOT_DONE)
    )
    # Overdue at the cut: the due date's end (lights.end_of) has passed. due_at is cleared by a verdict, so
    # the stored due date is compared: end_of(d) <= cut ⇔ d < the cut's day (a local midnight or now).
    cut_day = timezone.localdate(cut) if cut < end else date_to + timedelta(days=1)
    overdue = Q(created_at__lt=cut, due_date__lt=cut_day) & open_at_cut
    rows = (
        Inspection.objects.filter(concluded | overdue)
        .values("kind", "unit__code", "unit__name", "target_label")
        .annotate(
            inspected=Count("pk", filter=concluded),
            done=Count("pk", filter=concluded & Q(state=InspectionState.DONE)),
            not_done=Count("pk", filter=concluded & Q(state=InspectionState.NOT_DONE)),
            overdue=Count("pk", filter=overdue),
        )
        .order_by()
    )
    merged: dict[tuple, dict] = {}
    for r in rows:
        code = r["unit__code"] or ""
        name = r["unit__name"] or (r["target_label"] if r["kind"] == "hall" else "")
        row = merged.setdefault(
            (r["kind"], code, name),
            {"kind": r["kind"], "code": code, "name": name, **dict.fromkeys(FIGURES, 0)},
        )
        for key in FIGURES:
            row[key] += r[key]
    units = sorted(merged.values(), key=lambda u: (u["kind"], u["code"], u["name"]))
    for u in units:
        u["not_done_rate"] = rate(u["not_done"], u["inspected"])
    totals = {k: sum(u[k] for u in units) for k in FIGURES}
    totals["not_done_rate"] = rate(totals["not_done"], totals["inspected"])
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "units": units,
        "totals": totals,
    }


def _kind_label(kind: str) -> str:
    return next((str(k.label) for k in inspections.kinds() if k.kind == kind), kind)


def _url(data: dict, row: dict, state: str) -> str:
    params = {"from": data["period"]["from"], "to": data["period"]["to"], "state": state}
    if row.get("kind"):
        params["kind"] = row["kind"]
    if row.get("code"):
        params["unit"] = row["code"]
    return reverse("supervision:inspections") + "?" + urlencode(params)


def tables(data: dict) -> list[Table]:
    rows = [{**u, "kind_label": _kind_label(u["kind"])} for u in data["units"]]
    rows.append({"kind_label": "", "name": _("Whole centre"), **data["totals"]})
    t = Table(
        "inspections",
        _("On-site inspections by unit"),
        [
            Column("kind_label", _("What was inspected")),
            Column("name", _("Unit or hall")),
            Column("inspected", _("Inspected"), "int"),
            Column("done", _("Found done"), "int"),
            Column("not_done", _("Found not done"), "int"),
            Column("not_done_rate", _("Not done %"), "rate"),
            Column("overdue", _("Still pending past the due date"), "int"),
        ],
        rows,
        note=_(
            "Inspections whose verdict was given in the period, and tasks still pending past their due "
            "time at the period's end. A 12345 reply found not done was sent back to be redone."
        ),
    )
    t.links = [
        {
            "inspected": _url(data, r, "all"),
            "done": _url(data, r, InspectionState.DONE),
            "not_done": _url(data, r, InspectionState.NOT_DONE),
        }
        for r in rows
    ]
    return [t]


def register() -> None:
    sections.register(
        sections.Section(
            key="inspections",
            title=gettext_lazy("On-site inspections"),
            compute=compute,
            tables=tables,
            report_template="stats/sections/_inspections.html",
            dashboard_template="stats/sections/_inspections.html",
            order=20,
        )
    )
