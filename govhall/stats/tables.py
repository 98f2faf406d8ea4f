"""The labelled tables of the dashboard and of the assessment report (export.Table objects)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.models import CaseKind, CaseState, Channel
from govhall.stats.export import Column, Table
from govhall.stats.indicators import RANKED_LABELS

# Every figure's label (docs/indicators.md), shared by the pages, the report and the exports.
FIGURE_LABELS = {
    "received": gettext_lazy("Received"),
    "accepted": gettext_lazy("Accepted"),
    "consultations": gettext_lazy("Consultations"),
    "rejected": gettext_lazy("Not accepted"),
    "concluded": gettext_lazy("Concluded"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "timed_concluded": gettext_lazy("Concluded with a time limit"),
    "on_time": gettext_lazy("Concluded on time"),
    "late": gettext_lazy("Concluded late"),
    "open_overdue": gettext_lazy("Open and overdue at the end"),
    "early": gettext_lazy("Concluded early"),
    "notices": gettext_lazy("One-time notices"),
    "first_time": gettext_lazy("First-time complete"),
    "extensions": gettext_lazy("Extensions approved"),
    "suspensions": gettext_lazy("Suspensions"),
    "on_time_rate": gettext_lazy("On-time rate %"),
    "on_time_rate_conventional": gettext_lazy("On-time rate % (conventional)"),
    "early_rate": gettext_lazy("Early completion rate %"),
    "avg_days_used": gettext_lazy("Working days used, average"),
    "p90_days_used": gettext_lazy("Working days used, 90th percentile"),
    "used_to_promised": gettext_lazy("Used ÷ promised"),
    "supplement_rate": gettext_lazy("Supplement rate %"),
    "first_time_rate": gettext_lazy("First-time-complete rate %"),
    "online_decided": gettext_lazy("Online applications decided at intake"),
    "online_first_time": gettext_lazy("Online applications accepted without correction"),
    "online_success_rate": gettext_lazy("First-time success rate % (online)"),
    "rejection_rate": gettext_lazy("Rejection rate %"),
    "cards_issued": gettext_lazy("Cards issued"),
    "cards_upheld": gettext_lazy("Cards upheld"),
    "cards_revoked": gettext_lazy("Cards revoked"),
    "orders_issued": gettext_lazy("Supervision orders"),
    "orders_replied_on_time": gettext_lazy("Orders replied on time"),
    "orders_on_time_rate": gettext_lazy("Orders replied on time %"),
    # ratingstats (好差评, govhall/stats/ratingstats.py)
    "rated": gettext_lazy("Number of ratings"),
    "satisfaction_rate": gettext_lazy("Satisfaction rate %"),
    "bad": gettext_lazy("Bad ratings"),
    "callback_rate": gettext_lazy("Bad-rating callback rate %"),
}
RATES = frozenset(
    {
        "on_time_rate",
        "on_time_rate_conventional",
        "early_rate",
        "supplement_rate",
        "first_time_rate",
        "rejection_rate",
        "orders_on_time_rate",
        "online_success_rate",
        "satisfaction_rate",  # ratingstats
        "callback_rate",  # ratingstats
    }
)
NUMBERS = frozenset({"avg_days_used", "p90_days_used", "used_to_promised"})
# The cases behind a figure: a rate links to its numerator's cases, an average to the cases it averages.
DRILL = {
    "received": "received",
    "accepted": "accepted",
    "consultations": "consultations",
    "rejected": "rejected",
    "concluded": "concluded",
    "withdrawn": "withdrawn",
    "timed_concluded": "timed_concluded",
    "on_time": "on_time",
    "late": "late",
    "open_overdue": "open_overdue",
    "early": "early",
    "notices": "notices",
    "first_time": "first_time",
    "extensions": "extensions",
    "suspensions": "suspensions",
    "on_time_rate": "on_time",
    "on_time_rate_conventional": "on_time",
    "early_rate": "early",
    "avg_days_used": "timed_concluded",
    "p90_days_used": "timed_concluded",
    "used_to_promised": "timed_concluded",
    "supplement_rate": "notices",
    "first_time_rate": "first_time",
    "rejection_rate": "rejected",
    "online_decided": "online_decided",
    "online_first_time": "online_first_time",
    "online_success_rate": "online_first_time",
}
# The columns of the dashboard's tables, in order.
TABLE_FIGURES = (
    "received",
    "accepted",
    "rejected",
    "concluded",
    "open_overdue",
    "on_time_rate",
    "on_time_rate_conventional",
    "early_rate",
    "avg_days_used",
    "p90_days_used",
    "first_time_rate",
    "online_success_rate",
    "supplement_rate",
    "extensions",
    "suspensions",
)
SUMMARY_FIGURES = (
    "received",
    "accepted",
    "consultations",
    "rejected",
    "concluded",
    "timed_concluded",
    "on_time",
    "late",
    "open_overdue",
    "on_time_rate",
    "on_time_rate_conventional",
    "early_rate",
    "avg_days_used",
    "p90_days_used",
    "used_to_promised",
    "first_time_rate",
    "online_decided",
    "online_first_time",
    "online_success_rate",
    "supplement_rate",
    "rejection_rate",
    "extensions",
    "suspensions",
    "withdrawn",
    "cards_issued",
    "cards_upheld",
    "cards_revoked",
    "orders_issued",
    "orders_replied_on_time",
    "orders_on_time_rate",
)


def figure_kind(key: str) -> str:
    return "rate" if key in RATES else "num" if key in NUMBERS else "int"


def figure_column(key: str) -> Column:
    return Column(key, str(FIGURE_LABELS[key]), figure_kind(key), DRILL.get(key, ""))


def group_table(key: str, title: str, first: str, rows: list[dict], figures=TABLE_FIGURES) -> Table:
    """A table of figures with one row per group value (`rows`: dicts with "name" and the figures)."""
    return Table(key, title, [Column("name", first), *(figure_column(k) for k in figures)], rows)


# --- the assessment report ------------------------------------------------------------------------


def _labels(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


def report_tables(data: dict, *, with_sections: bool = True) -> list[Table]:
    """The report's tables, in the report's order, labelled in the current language; then the registered
    sections' tables (the printable page renders those with the sections' templates instead)."""
    from govhall.supervision.models import CardKind, CardRule, CardState

    summary = data["summary"]
    tables = [
        Table(
            "summary",
            _("Summary"),
            [Column("name", _("Indicator")), Column("value", _("Value"), "num")],
            [{"name": str(FIGURE_LABELS[k]), "value": summary[k]} for k in SUMMARY_FIGURES if k in summary],
        ),
        Table(
            "changes",
            _("Against the previous month"),
            [
                Column("name", _("Indicator")),
                Column("current", _("This month"), "num"),
                Column("previous", _("Previous month"), "num"),
                Column("change", _("Difference"), "num"),
            ],
            [{**c, "name": str(FIGURE_LABELS[c["key"]])} for c in data["changes"]],
            note=_("Rates change in percentage points."),
        ),
    ]
    rank_columns = [
        Column("rank", _("Rank"), "int"),
        Column("name", _("Department")),
        Column("score", _("Score"), "num"),
        Column("assessed", _("Assessed cases"), "int"),
        figure_column("accepted"),
        figure_column("concluded"),
        figure_column("open_overdue"),
        figure_column("on_time_rate"),
        figure_column("on_time_rate_conventional"),
        figure_column("first_time_rate"),
        figure_column("avg_days_used"),
        figure_column("cards_issued"),
        figure_column("orders_issued"),
        figure_column("satisfaction_rate"),  # ratingstats
        Column("previous_rank", _("Previous rank"), "int"),
        Column("rank_change", _("Places gained"), "int"),
    ]
    ranking = data["ranking"]
    tables.append(Table("ranking", _("Ranking"), rank_columns, ranking["ranked"]))
    tables.append(
        Table(
            "unranked",
            _("Not ranked"),
            [
                Column("name", _("Department")),
                Column("assessed", _("Assessed cases"), "int"),
                Column("reason", _("Reason")),
            ],
            ranking["unranked"],
        )
    )
    tables.append(
        Table(
            "weights",
            _("Weights"),
            [Column("name", _("Indicator")), Column("weight", _("Weight"), "num")],
            [{"name": str(RANKED_LABELS[k]), "weight": float(w)} for k, w in ranking["weights"].items()],
            note=_("Minimum assessed cases to be ranked: %(n)s") % {"n": ranking["min_cases"]},
        )
    )
    tables.append(
        Table(
            "overdue",
            _("Overdue cases"),
            [
                Column("number", _("Case number")),
                Column("item", _("Item")),
                Column("department", _("Department")),
                Column("hall", _("Hall")),
                Column("accepted", _("Accepted on"), "date"),
                Column("due", _("Promised due date"), "date"),
                Column("days_overdue", _("Working days overdue"), "int"),
                Column("state_label", _("State now")),
            ],
            [{**r, "state_label": _labels(CaseState.choices, r["state"])} for r in data["overdue"]["rows"]],
            note=_truncated(data["overdue"]),
        )
    )
    tables.append(
        Table(
            "cards",
            _("Cards issued"),
            [
                Column("issued", _("Issued on"), "date"),
                Column("kind_label", _("Card")),
                Column("rule_label", _("Rule")),
                Column("department", _("Department")),
                Column("number", _("Case number")),
                Column("state_label", _("State")),
                Column("reason", _("Reason")),
            ],
            [
                {
                    **r,
                    "kind_label": _labels(CardKind.choices, r["kind"]),
                    "rule_label": _labels(CardRule.choices, r["rule"]),
                    "state_label": _labels(CardState.choices, r["state"]),
                }
                for r in data["cards"]["rows"]
            ],
            note=_truncated(data["cards"]),
        )
    )
    if "ratings" in data:  # ratingstats: reports generated before the ratings have no such block
        tables.append(rating_table(data["ratings"]))
    if with_sections:  # the apps' sections (govhall.stats.sections), e.g. the hotline's
        from govhall.stats import sections

        tables += sections.tables(data.get("sections"))
    return tables


# ratingstats: the report's ratings sheet (好差评), one line per department and one for the centre.
REPORT_RATING_FIGURES = (
    "rated",
    "satisfaction_rate",
    "bad",
    "bad_share",
    "rateable",
    "coverage_rate",
    "follow_ups",
    "callback_rate",
    "rectify_due",
    "rectified_on_time_rate",
    "rectification_satisfaction_rate",
    "bad_share_on_time",
    "bad_share_overdue",
)


def rating_table(block: dict) -> Table:
    from govhall.stats.ratingstats import LABELS, RATES

    columns = [Column("name", _("Department"))] + [
        Column(k, str(LABELS[k]), "rate" if k in RATES else "int") for k in REPORT_RATING_FIGURES
    ]
    rows = [*block["departments"], {**block["summary"], "name": _("All departments")}]
    return Table("ratings", _("Ratings"), columns, rows)


def _truncated(block: dict) -> str:
    if block["total"] > len(block["rows"]):
        return _("%(shown)s of %(total)s listed.") % {"shown": len(block["rows"]), "total": block["total"]}
    return ""


def kind_label(value) -> str:
    return _labels(CaseKind.choices, value)


def channel_label(value) -> str:
    return _labels(Channel.choices, value)


def report_texts(report) -> dict[str, str]:
    """The report's heading, period, state and lead sentence in the current language: the printable page
    and the PDF say the same."""
    from django.conf import settings
    from django.utils import timezone

    from govhall.stats.models import ReportState
    from govhall.stats.templatetags.stats import figure

    data, summary = report.data, report.data["summary"]

    def when(moment) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"

    if report.state == ReportState.PUBLISHED:
        who = report.published_by.display_name if report.published_by else "—"
        detail = _("published %(time)s by %(who)s") % {"time": when(report.published_at), "who": who}
    else:
        detail = _("version %(version)s, generated %(time)s") % {
            "version": report.version,
            "time": when(report.generated_at),
        }
    lead = (
        _("Received %(received)s, accepted %(accepted)s, concluded %(concluded)s.")
        % {k: summary[k] for k in ("received", "accepted", "concluded")}
        + " "
        + _(
            "On-time rate %(rate)s (conventional %(conventional)s); %(overdue)s cases open and overdue at "
            "the end of the month."
        )
        % {
            "rate": figure(summary["on_time_rate"], "rate"),
            "conventional": figure(summary["on_time_rate_conventional"], "rate"),
            "overdue": summary["open_overdue"],
        }
    )
    return {
        "title": _("Assessment report %(month)s") % {"month": str(report)},
        "period": f"{settings.GOVHALL_CENTRE_NAME} · "
        + _("%(start)s to %(end)s") % {"start": data["period"]["from"], "end": data["period"]["to"]},
        "state": f"{report.get_state_display()} · {detail}",
        "lead": lead,
    }
