"""`govhall stats --from 2026-01-01 --to 2026-06-30 [--json] [--department CODE] [--by department]`,
`govhall stats --check` (roll-ups against a direct recount), `govhall stats --rebuild`."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.stats import rollup
from govhall.stats.filters import FilterError, parse_filters
from govhall.stats.queries import GROUPS, names, summary, table

SHOWN = [
    ("received", "received"),
    ("accepted", "accepted"),
    ("rejected", "not accepted"),
    ("concluded", "concluded"),
    ("on_time_rate", "on-time rate % (concluded on time ÷ (concluded + open overdue))"),
    ("on_time_rate_conventional", "on-time rate % (conventional: ÷ concluded)"),
    ("open_overdue", "open and overdue at the end"),
    ("early_rate", "early completion rate %"),
    ("avg_days_used", "working days used, average"),
    ("p90_days_used", "working days used, 90th percentile"),
    ("used_to_promised", "used ÷ promised"),
    ("supplement_rate", "one-time notices per 100 accepted"),
    ("first_time_rate", "first-time-complete rate %"),
    ("rejection_rate", "rejection rate %"),
    ("extensions", "extensions approved"),
    ("suspensions", "suspensions"),
]


def jsonable(value):
    if isinstance(value, dict):
        return {("total" if k is None else str(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


class Command(BaseCommand):
    help = "Indicators for a period (docs/indicators.md); --check compares the roll-ups with a direct count."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")
        parser.add_argument("--department", help="department code")
        parser.add_argument("--hall", help="hall code")
        parser.add_argument("--level", help="hall level: centre, sub_hall, township, point")
        parser.add_argument("--lane", help="lane code")
        parser.add_argument("--item", help="item code")
        parser.add_argument("--by", choices=GROUPS, help="one row per department, hall, item, … or month")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--check", action="store_true", help="compare the roll-ups with a direct count")
        parser.add_argument("--rebuild", action="store_true", help="recount the roll-ups from the cases")

    def handle(self, *args, **o) -> None:
        if o["rebuild"]:
            self.stdout.write(f"roll-ups rebuilt: {rollup.rebuild()} rows")
        if o["check"]:
            result = rollup.check()
            if not result.ok:
                raise CommandError("roll-ups differ from a direct count:\n" + "\n".join(result.differences))
            self.stdout.write(self.style.SUCCESS(f"roll-ups equal a direct count ({result.rows} rows)"))
        if (o["check"] or o["rebuild"]) and not o["date_from"]:
            return
        try:
            f = parse_filters(
                {
                    "from": o["date_from"],
                    "to": o["date_to"],
                    "department": o["department"],
                    "hall": o["hall"],
                    "level": o["level"],
                    "lane": o["lane"],
                    "item": o["item"],
                }
            )
        except FilterError as exc:
            raise CommandError(str(exc)) from None
        if o["by"]:
            rows = table(f, o["by"])
            label = names(o["by"], rows.keys())
            if o["json"]:
                shown = {str(label.get(k, k)): v for k, v in rows.items()}
                self.stdout.write(json.dumps(jsonable(shown), ensure_ascii=False, indent=2))
                return
            for k in sorted(rows, key=str):
                r = rows[k]
                self.stdout.write(
                    f"{label.get(k, k)!s:<24} received {r['received']:>7}  accepted {r['accepted']:>7}  "
                    f"concluded {r['concluded']:>7}  on time {_pct(r['on_time_rate'])}"
                )
            return
        data = summary(f)
        if o["json"]:
            self.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"period {f.date_from} … {f.date_to}")
        totals = data["totals"]
        for key, label in SHOWN:
            self.stdout.write(f"  {label:<66} {_fmt(totals[key])}")
        kinds = data["by_kind"]
        self.stdout.write(
            "  accepted by kind: "
            + ", ".join(
                f"{k} {kinds[k]['accepted']}"
                for k in ("immediate", "committed", "consultation")
                if k in kinds
            )
        )
        channels = data["by_channel"]
        self.stdout.write(
            "  received by channel: " + ", ".join(f"{k} {v['received']}" for k, v in channels.items())
        )
        sup = data["supervision"]
        self.stdout.write(
            f"  cards issued {sup['cards_issued']} "
            f"(upheld {sup['cards_upheld']}, revoked {sup['cards_revoked']}); "
            f"orders {sup['orders_issued']}, replied on time {sup['orders_replied_on_time']}"
        )


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1f} %"


def _fmt(v) -> str:
    return "—" if v is None else str(v)
