"""Two more figures of the hotline's units, beside govhall.hotline.stats: on-site inspections of their
replies (现场督查, the "ticket" inspections of govhall.supervision) and the upkeep of their knowledge entries.

- Inspections: the ticket inspections concluded in the period (verdict given in it), by the unit the verdict
  counts for (the lead unit when the task was assigned): inspected, found done, found not done and the
  not-done share. A "not done" verdict also sends the ticket back (a new round), so it counts against the
  unit a second time in the redo rate.
- Knowledge upkeep (units are assessed on upkeep): per owning unit, as of the report's day, the entries it
  owns, the published ones in force past their review date, and their share of the published ones.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from govhall.catalog.models import Department
from govhall.hotline.knowledge.queries import past_review
from govhall.hotline.models import KnowledgeEntry
from govhall.stats.export import Column, Table
from govhall.stats.indicators import rate
from govhall.supervision.models import Inspection, InspectionState

CONCLUDED = (InspectionState.DONE, InspectionState.NOT_DONE)


def inspection_rows(start: datetime, end: datetime) -> dict:
    rows = (
        Inspection.objects.filter(
            kind="ticket", state__in=CONCLUDED, verdict_at__gte=start, verdict_at__lt=end
        )
        .values("unit_id", "unit__code", "unit__name")
        .annotate(
            inspected=Count("pk"),
            done=Count("pk", filter=Q(state=InspectionState.DONE)),
            not_done=Count("pk", filter=Q(state=InspectionState.NOT_DONE)),
        )
        .order_by("unit__code")
    )
    units = [
        {
            "code": r["unit__code"] or "",
            "name": r["unit__name"] or "",
            "inspected": r["inspected"],
            "done": r["done"],
            "not_done": r["not_done"],
            "not_done_rate": rate(r["not_done"], r["inspected"]),
        }
        for r in rows
    ]
    total = {k: sum(u[k] for u in units) for k in ("inspected", "done", "not_done")}
    total["not_done_rate"] = rate(total["not_done"], total["inspected"])
    return {"units": units, "totals": total}


def upkeep_day(date_to: date, now: datetime) -> date:
    """The day the upkeep is counted on: the period's last day, or today if the period is not over."""
    from django.utils import timezone

    return min(date_to, timezone.localdate(now))


def upkeep_rows(as_of: date) -> dict:
    """Entries past review on `as_of`: in force, review date before that day (the API's upkeep rule)."""
    rows = (
        KnowledgeEntry.objects.values("owner_id", "owner__code", "owner__name")
        .annotate(
            n_owned=Count("id"),
            n_published=Count("id", filter=Q(published__isnull=False)),
            n_past_review=Count("id", filter=past_review(as_of)),
        )
        .order_by("owner__code")
    )
    units = [
        {
            "code": r["owner__code"],
            "name": r["owner__name"],
            "owned": r["n_owned"],
            "published": r["n_published"],
            "past_review": r["n_past_review"],
            "past_review_rate": rate(r["n_past_review"], r["n_published"]),
        }
        for r in rows
    ]
    total = {k: sum(u[k] for u in units) for k in ("owned", "published", "past_review")}
    total["past_review_rate"] = rate(total["past_review"], total["published"])
    return {"as_of": as_of.isoformat(), "units": units, "totals": total}


def entries_past_review(as_of: date, unit: Department | None, *, past: bool):
    rows = KnowledgeEntry.objects.select_related("owner", "category", "published")
    if unit is not None:
        rows = rows.filter(owner=unit)
    if past:
        rows = rows.filter(past_review(as_of))
    return rows.order_by("published__review_due", "pk")


# --- tables -------------------------------------------------------------------------------------------


def inspections_url(data: dict, *, unit: str = "", verdict: str = "") -> str:
    params = {
        "kind": "ticket",
        "from": data["period"]["from"],
        "to": data["period"]["to"],
        "state": verdict or "all",
    }
    if unit:
        params["unit"] = unit
    return reverse("supervision:inspections") + "?" + urlencode(params)


def upkeep_url(data: dict, *, unit: str = "", past: bool = True) -> str:
    params = {"as_of": data["upkeep"]["as_of"], "past": "1" if past else "0"}
    if unit:
        params["unit"] = unit
    return reverse("hotline:stats-knowledge") + "?" + urlencode(params)


def inspection_table(data: dict) -> Table | None:
    figures = data.get("inspections")
    if figures is None:  # a report stored before inspections existed
        return None
    rows = [*figures["units"], {"name": _("Whole centre"), **figures["totals"]}]
    t = Table(
        "hotline_inspections",
        _("Hotline: on-site inspections of the replies"),
        [
            Column("name", _("Unit")),
            Column("inspected", _("Inspected"), "int"),
            Column("done", _("Found done"), "int"),
            Column("not_done", _("Found not done (sent back)"), "int"),
            Column("not_done_rate", _("Not done %"), "rate"),
        ],
        rows,
        note=_(
            "Ticket inspections whose verdict was given in the period, by the unit that replied. A reply "
            "found not done sends the ticket back to be redone and counts against the unit."
        ),
    )
    t.links = [
        {
            "inspected": inspections_url(data, unit=r.get("code", "")),
            "done": inspections_url(data, unit=r.get("code", ""), verdict=InspectionState.DONE),
            "not_done": inspections_url(data, unit=r.get("code", ""), verdict=InspectionState.NOT_DONE),
        }
        for r in rows
    ]
    return t


def upkeep_table(data: dict) -> Table | None:
    figures = data.get("upkeep")
    if figures is None:
        return None
    rows = [*figures["units"], {"name": _("Whole centre"), **figures["totals"]}]
    t = Table(
        "hotline_upkeep",
        _("Knowledge base: upkeep by unit"),
        [
            Column("name", _("Unit")),
            Column("owned", _("Entries owned"), "int"),
            Column("published", _("Published"), "int"),
            Column("past_review", _("Past review due"), "int"),
            Column("past_review_rate", _("Past review due %"), "rate"),
        ],
        rows,
        note=_(
            "As of %(day)s: entries in force whose review date has passed ÷ published entries of the unit. "
            "A number opens the entries."
        )
        % {"day": figures["as_of"]},
    )
    t.links = [
        {
            "owned": upkeep_url(data, unit=r.get("code", ""), past=False),
            "past_review": upkeep_url(data, unit=r.get("code", "")),
        }
        for r in rows
    ]
    return t
