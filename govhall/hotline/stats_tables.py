"""The hotline's figures (govhall.hotline.stats.compute) as labelled tables, each figure linked to the list
of its tickets: the same objects serve the page, the report's section, its XLSX and PDF."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.hotline.models import Channel, RequestType
from govhall.hotline.stats import INDICATORS, RATE_KEYS, VOLUMES
from govhall.stats.export import Column, Table

VOLUME_TITLES = {
    "channel": (gettext_lazy("Hotline: tickets by channel"), gettext_lazy("Channel")),
    "request_type": (gettext_lazy("Hotline: by request type"), gettext_lazy("Request type")),
    "subject1": (gettext_lazy("Hotline: by subject, level 1"), gettext_lazy("Request subject")),
    "subject2": (gettext_lazy("Hotline: by subject, level 2"), gettext_lazy("Request subject")),
    "area": (gettext_lazy("Hotline: tickets by area"), gettext_lazy("Area")),
}
SAMPLE_LABELS = {
    "sign": gettext_lazy("Dispatches assessed for sign-for"),
    "closure": gettext_lazy("Dispatches assessed for closure"),
    "satisfaction": gettext_lazy("Callbacks with a verdict"),
    "solved": gettext_lazy("Callbacks answering “solved?”"),
    "redo": gettext_lazy("Tickets replied"),
    "return": gettext_lazy("Dispatches"),
}


def tickets_url(data: dict, indicator: str, *, unit: str = "", hit: str = "", **extra: str) -> str:
    params = {"indicator": indicator, "from": data["period"]["from"], "to": data["period"]["to"]}
    if unit:
        params["unit"] = unit
    if hit:
        params["hit"] = hit
    params.update({k: v for k, v in extra.items() if v is not None})
    return reverse("hotline:stats-tickets") + "?" + urlencode(params)


def _unit_columns() -> list[Column]:
    cols = [Column("name", _("Unit"))]
    for key in RATE_KEYS:
        ind = INDICATORS[key]
        cols += [Column(ind.rate, str(ind.label), "rate"), Column(ind.sample, str(SAMPLE_LABELS[key]), "int")]
    cols += [
        Column("unreachable", str(INDICATORS["unreachable"].label), "int"),
        Column("received", str(INDICATORS["received"].label), "int"),
    ]
    return cols


def _unit_links(data: dict, code: str, row: dict) -> dict:
    links = {}
    for key in RATE_KEYS:
        ind = INDICATORS[key]
        if row.get(ind.sample):
            links[ind.rate] = tickets_url(data, key, unit=code, hit="1")
            links[ind.sample] = tickets_url(data, key, unit=code)
    for key in ("unreachable", "received"):
        if row.get(key):
            links[key] = tickets_url(data, key, unit=code)
    return links


def unit_table(data: dict) -> Table:
    rows = [*data["units"], {"name": _("Whole centre"), **data["totals"]}]
    t = Table(
        "hotline_units",
        _("Hotline: figures by unit"),
        _unit_columns(),
        rows,
        note=_("A rate links to the tickets it counts; the number next to it to every ticket assessed."),
    )
    t.links = [_unit_links(data, r.get("code", ""), r) for r in rows]
    return t


def ranking_table(data: dict) -> Table:
    ranking = data["ranking"]
    columns = [
        Column("rank", _("Rank"), "int"),
        Column("name", _("Unit")),
        Column("score", _("Score"), "num"),
        Column("closure_sample", str(SAMPLE_LABELS["closure"]), "int"),
        *[Column(INDICATORS[k].rate, str(INDICATORS[k].label), "rate") for k in RATE_KEYS],
        Column("reason", _("Not ranked because")),
    ]
    rows = [*ranking["ranked"], *ranking["unranked"]]
    weights = ", ".join(f"{INDICATORS[k].label} {w}" for k, w in ranking["weights"].items())
    t = Table(
        "hotline_ranking",
        _("Hotline: ranking of the units"),
        columns,
        rows,
        note=_(
            "Score: the weighted mean of the rates (redo and return rates count as 100 − rate). Weights: "
            "%(weights)s. Units with fewer than %(n)s dispatches assessed for closure are not ranked; equal "
            "scores share a rank."
        )
        % {"weights": weights, "n": ranking["min_sample"]},
    )
    t.links = [_unit_links(data, r["code"], r) for r in rows]
    return t


def volume_label(group: str, key: str, name: str) -> str:
    if group == "channel":
        return str(dict(Channel.choices).get(key, key))
    if group == "request_type":
        return str(dict(RequestType.choices).get(key, key))
    if group == "area" and not key:
        return _("No area given")
    return f"{key} {name}" if group.startswith("subject") else name


def volume_filter(group: str) -> str:
    return "subject" if group.startswith("subject") else group


def volume_table(data: dict, group: str) -> Table:
    title, first = VOLUME_TITLES[group]
    rows = [{"name": volume_label(group, r["key"], r["name"]), "n": r["n"]} for r in data["volume"][group]]
    t = Table(
        f"hotline_{group}", str(title), [Column("name", str(first)), Column("n", _("Tickets"), "int")], rows
    )
    t.links = [
        {"n": tickets_url(data, "received", **{volume_filter(group): r["key"] or "-"})}
        for r in data["volume"][group]
    ]
    return t


def repeats_table(data: dict) -> Table:
    rows = [
        {
            **r,
            "unit_label": r["unit_name"] or _("Not dispatched yet"),
            "subject_label": f"{r['subject']} {r['subject_name']}",
        }
        for r in data["repeats"]["rows"]
    ]
    return Table(
        "hotline_repeats",
        _("Hotline: repeat calls and duplicates by month, unit and subject"),
        [
            Column("month", _("Month")),
            Column("unit_label", _("Unit")),
            Column("subject_label", _("Request subject")),
            Column("repeat_calls", _("Repeat calls"), "int"),
            Column("duplicates", _("Duplicates"), "int"),
        ],
        rows,
        note=_(
            "Repeat calls: the same caller calling again about an open ticket (counted on that ticket's lead "
            "unit, in the month of the call). Duplicates: tickets of other callers linked to a master ticket "
            "(on the master's lead unit, in the month received). Neither is counted as a new dispatched "
            "ticket. In total: %(calls)s repeat calls, %(dups)s duplicates."
        )
        % {"calls": data["repeats"]["repeat_calls"], "dups": data["repeats"]["duplicates"]},
    )


def section_tables(data: dict) -> list[Table]:
    from govhall.hotline.stats_more import inspection_table, upkeep_table

    more = [t for t in (inspection_table(data), upkeep_table(data)) if t is not None]
    tables = [unit_table(data), ranking_table(data), *more, *[volume_table(data, g) for g in VOLUMES]]
    if "repeats" in data:  # reports published before issue 19 have no such figures
        tables.append(repeats_table(data))
    return tables


def definitions() -> list[dict]:
    return [{"key": k, "label": i.label, "definition": i.definition} for k, i in INDICATORS.items()]
