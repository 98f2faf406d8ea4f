"""What the leaders' dashboard shows for a filter: summary figures, chart data, tables, each figure with the
URL of its cases. Reads only; the views render it, the exports write the same tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.catalog.models import Department, Hall, ServiceItem
from govhall.stats import sections
from govhall.stats.export import Column, Table
from govhall.stats.queries import (
    Filters,
    cube,
    month_range,
    names,
    supervision,
    table,
    table_from_cube,
)
from govhall.stats.ranking import department_ranking
from govhall.stats.tables import (
    DRILL,
    FIGURE_LABELS,
    RATES,
    channel_label,
    figure_column,
    group_table,
    kind_label,
)

GROUP_TITLES = {
    "department": (gettext_lazy("By department"), gettext_lazy("Department")),
    "hall": (gettext_lazy("By hall"), gettext_lazy("Hall")),
    "kind": (gettext_lazy("By kind"), gettext_lazy("Kind")),
    "channel": (gettext_lazy("By channel"), gettext_lazy("Channel")),
    "month": (gettext_lazy("By month"), gettext_lazy("Month")),
    "item": (gettext_lazy("By item"), gettext_lazy("Item")),
}
TABLES = ("department", "hall", "kind", "channel", "month", "item", "ranking")
TILES = (
    "received",
    "accepted",
    "concluded",
    "on_time_rate",
    "on_time_rate_conventional",
    "open_overdue",
    "avg_days_used",
    "first_time_rate",
    "rejection_rate",
)


def filter_params(f: Filters) -> dict[str, str]:
    """The query string of a filter, with codes (as the forms and the API take them)."""
    params = {"from": f.date_from.isoformat(), "to": f.date_to.isoformat()}
    if f.department is not None:
        params["department"] = Department.objects.filter(pk=f.department).values_list("code", flat=True).get()
    if f.hall is not None:
        params["hall"] = Hall.objects.filter(pk=f.hall).values_list("code", flat=True).get()
    if f.hall_level:
        params["level"] = f.hall_level
    if f.lane:
        params["lane"] = f.lane
    if f.item:
        params["item"] = f.item
    return params


def cases_url(params: dict[str, str], measure: str, **extra: str) -> str:
    return reverse("stats:cases") + "?" + urlencode({**params, **extra, "measure": measure})


def _group_params(group: str, keys) -> dict:
    """Per group value, the filter parameters that select it."""
    if group == "department":
        codes = dict(Department.objects.filter(pk__in=keys).values_list("pk", "code"))
        return {k: {"department": codes[k]} for k in keys if k in codes}
    if group == "hall":
        codes = dict(Hall.objects.filter(pk__in=keys).values_list("pk", "code"))
        return {k: {"hall": codes[k]} for k in keys if k in codes}
    if group == "item":
        codes = dict(ServiceItem.objects.filter(pk__in=keys).values_list("pk", "code"))
        return {k: {"item": codes[k]} for k in keys if k in codes}
    if group in ("kind", "channel"):
        return {k: {group: k} for k in keys if k}
    if group == "month":
        out = {}
        for k in keys:
            first, last = month_range(k)
            out[k] = {"from": first.isoformat(), "to": last.isoformat()}
        return out
    return {}


def _label(group: str, key, label: dict) -> str:
    if group == "kind":
        return kind_label(key)
    if group == "channel":
        return channel_label(key)
    return str(label.get(key, key))


def group(f: Filters, name: str, params: dict[str, str] | None = None, rows: dict | None = None) -> Table:
    """One row per department, hall, kind, channel, month or item, each figure linked to its cases.
    `rows`: table(f, name) if already computed."""
    params = filter_params(f) if params is None else params
    rows = table(f, name) if rows is None else rows
    label = names(name, rows.keys())
    selectors = _group_params(name, list(rows))
    order = sorted(rows, key=lambda k: str(k) if name == "month" else (-(rows[k]["received"]), str(k)))
    title, first = GROUP_TITLES[name]
    t = group_table(
        name, str(title), str(first), [{"name": _label(name, k, label), **rows[k]} for k in order]
    )
    t.links = [
        {
            c.key: cases_url({**params, **selectors[k]}, c.measure)
            for c in t.columns
            if c.measure and rows[k].get(c.key) not in (None, 0)
        }
        if k in selectors
        else {}
        for k in order
    ]
    return t


def ranking_table(f: Filters, params: dict[str, str] | None = None, rows: dict | None = None) -> Table:
    """`rows`: the figures by department without f's department filter, if already computed."""
    params = filter_params(f) if params is None else params
    params = {k: v for k, v in params.items() if k != "department"}
    result = department_ranking(f, rows=rows)
    columns = [
        Column("rank", _("Rank"), "int"),
        Column("name", _("Department")),
        Column("score", _("Score"), "num"),
        Column("assessed", _("Assessed cases"), "int"),
        figure_column("on_time_rate"),
        figure_column("first_time_rate"),
        figure_column("early_rate"),
        figure_column("avg_days_used"),
        figure_column("open_overdue"),
        figure_column("cards_issued"),
        figure_column("satisfaction_rate"),  # ratingstats
        Column("reason", _("Not ranked because")),
    ]
    entries = [*result.ranked, *result.unranked]
    rows = [
        {
            "rank": e.rank,
            "name": e.name,
            "score": None if e.score is None else float(e.score),
            "assessed": e.assessed,
            **{
                k: e.figures.get(k)
                for k in ("on_time_rate", "first_time_rate", "early_rate", "avg_days_used")
            },
            "open_overdue": e.figures["open_overdue"],
            "cards_issued": result.cards.get(e.department, {}).get("cards_issued", 0),
            **result.ratings_of(e.department),  # ratingstats
            "reason": e.reason,
        }
        for e in entries
    ]
    t = Table(
        "ranking",
        _("Ranking"),
        columns,
        rows,
        note=_("Departments with fewer than %(n)s assessed cases are not ranked.") % {"n": result.min_cases},
    )
    t.links = [
        {
            c.key: cases_url({**params, "department": e.code}, c.measure)
            for c in columns
            if c.measure and c.key != "cards_issued" and row.get(c.key) not in (None, 0)
        }
        for e, row in zip(entries, rows, strict=True)
    ]
    return t


def build_table(f: Filters, name: str) -> Table:
    if name == "ranking":
        return ranking_table(f)
    return group(f, name)


def figures_by_group(f: Filters) -> dict:
    """The totals ({None: …}), the figures of each grouping the page shows, and the ranking's figures by
    department ("ranking": without f's department filter), from one read of the period's roll-ups."""
    whole = replace(f, department=None)
    c = cube(whole)
    out = {
        name: table_from_cube(f, c, name) for name in (None, "month", "kind", "department", "hall", "channel")
    }
    if f.department is None:
        out["ranking"] = out["department"]
    else:
        out["ranking"] = table_from_cube(whole, c, "department")
    return out


def overview(f: Filters, *, now: datetime, user) -> dict:
    """Everything the dashboard page shows."""
    params = filter_params(f)
    rows = figures_by_group(f)
    totals = rows[None][None]
    sup = supervision(f)[None]
    tiles = [
        {
            "key": k,
            "label": str(FIGURE_LABELS[k]),
            "value": totals[k],
            "rate": k in RATES,
            "url": cases_url(params, DRILL[k]) if totals[k] not in (None, 0) else "",
        }
        for k in TILES
    ]
    months = group(f, "month", params, rows["month"])
    kinds = group(f, "kind", params, rows["kind"])
    departments = group(f, "department", params, rows["department"])
    lights = light_counts(f, now=now, user=user)
    charts = {
        "trend": {
            "labels": [r["name"] for r in months.rows],
            "series": {k: [r[k] for r in months.rows] for k in ("received", "accepted", "concluded")},
            "rate": [r["on_time_rate"] for r in months.rows],
            "names": {
                k: str(FIGURE_LABELS[k]) for k in ("received", "accepted", "concluded", "on_time_rate")
            },
            "urls": [links.get("received", "") for links in months.links],
        },
        "kinds": {
            "items": [
                {"name": r["name"], "value": r["accepted"], "url": links.get("accepted", "")}
                for r, links in zip(kinds.rows, kinds.links, strict=True)
                if r["accepted"]
            ],
        },
        "departments": {
            "labels": [r["name"] for r in departments.rows if r["on_time_rate"] is not None],
            "values": [r["on_time_rate"] for r in departments.rows if r["on_time_rate"] is not None],
            "urls": [
                links.get("on_time_rate", "")
                for r, links in zip(departments.rows, departments.links, strict=True)
                if r["on_time_rate"] is not None
            ],
            "name": str(FIGURE_LABELS["on_time_rate"]),
        },
        "lights": lights,
    }
    return {
        "params": params,
        "query": urlencode(params),
        "tiles": tiles,
        "supervision": sup,
        "tables": [
            departments,
            ranking_table(f, params, rows["ranking"]),
            group(f, "hall", params, rows["hall"]),
            kinds,
            group(f, "channel", params, rows["channel"]),
            months,
        ],
        "charts": charts,
        # the apps' sections (govhall.stats.sections) for the same period, e.g. the hotline's
        "sections": sections.blocks(sections.compute_all(f.date_from, f.date_to, now=now), dashboard=True),
    }


def light_counts(f: Filters, *, now: datetime, user) -> dict:
    """The open steps' lights now (not period-bound), under the same department, hall, item and lane."""
    from govhall.supervision import lights
    from govhall.supervision import queries as sq

    steps = sq.Filters(department=f.department, hall=f.hall, item_code=f.item or "", lane=f.lane or "").apply(
        sq.visible_steps(user)
    )
    if f.hall_level:
        steps = steps.filter(case__hall__level=f.hall_level)
    counts = lights.counts(steps, now, by=None)
    board = reverse("supervision:steps")
    base = {}
    if f.department is not None:
        base["department"] = f.department
    if f.hall is not None:
        base["hall"] = f.hall
    if f.item:
        base["item_code"] = f.item
    return {
        "items": [
            {
                "key": light,
                "name": str(lights.LIGHT_LABELS[light]),
                "value": counts[light],
                "url": board + "?" + urlencode({**base, "light": light}),
            }
            for light in (lights.RED, lights.YELLOW, lights.GREEN, lights.PAUSED)
        ]
    }
