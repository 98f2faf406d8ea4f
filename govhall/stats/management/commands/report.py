"""The monthly assessment report (考核通报):

govhall report monthly 2026-10 [--publish] [--xlsx FILE] [--pdf FILE]
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from govhall.cases.errors import StaleVersion
from govhall.stats import reports
from govhall.stats.export import to_xlsx
from govhall.stats.models import PublishedReportIsFrozen, Report, ReportState
from govhall.stats.pdf import report_pdf
from govhall.stats.tables import report_tables


class Command(BaseCommand):
    help = "Generate (and publish, export) the monthly assessment report of a month."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        monthly = sub.add_parser("monthly", help="the monthly assessment report (考核通报)")
        monthly.add_argument("month", help="YYYY-MM")
        monthly.add_argument("--publish", action="store_true", help="publish it: it never changes afterwards")
        monthly.add_argument("--xlsx", metavar="FILE", help="write the report as an XLSX workbook")
        monthly.add_argument("--pdf", metavar="FILE", help="write the report as a PDF (A4 landscape)")
        monthly.add_argument("--now", help="the moment of generation, ISO 8601 (default: now)")

    def handle(self, *args, **o) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(o)

    def _handle(self, o) -> None:
        try:
            month = reports.parse_month(o["month"])
            now = _moment(o["now"]) if o["now"] else timezone.now()
            existing = Report.objects.filter(month=month).first()
            if existing is not None and existing.state == ReportState.PUBLISHED:
                report = existing
                self.stdout.write(f"{month:%Y-%m}: published {existing.published_at:%Y-%m-%d}, unchanged")
            else:
                report = reports.generate_monthly(month, now=now)
                self.stdout.write(f"{month:%Y-%m}: draft version {report.version} generated")
            if o["publish"] and report.state != ReportState.PUBLISHED:
                report = reports.publish_report(report, by=None, now=now, version=report.version)
                self.stdout.write(f"{month:%Y-%m}: published")
        except (reports.ReportError, PublishedReportIsFrozen, StaleVersion) as exc:
            raise CommandError(str(exc)) from None
        summary = report.data["summary"]
        self.stdout.write(
            f"  received {summary['received']}, accepted {summary['accepted']}, "
            f"concluded {summary['concluded']}, on-time rate {_pct(summary['on_time_rate'])}, "
            f"open and overdue {summary['open_overdue']}, cards {summary['cards_issued']}"
        )
        for row in report.data["ranking"]["ranked"][:10]:
            self.stdout.write(f"  {row['rank']:>3}. {row['name']}  {row['score']:.2f}")
        unranked = len(report.data["ranking"]["unranked"])
        if unranked:
            self.stdout.write(f"  not ranked: {unranked} departments")
        if o["xlsx"]:
            path = Path(o["xlsx"])
            write_whole(path, to_xlsx(report_tables(report.data), title=f"{month:%Y-%m}"))
            self.stdout.write(f"  written {path}")
        if o["pdf"]:
            path = Path(o["pdf"])
            write_whole(path, report_pdf(report))
            self.stdout.write(f"  written {path}")


def write_whole(path: Path, data: bytes) -> None:
    """The file whole or not at all: written beside it, flushed to disk, then renamed over it (a process
    killed while writing leaves the previous file, or none, never a cut-off report)."""
    part = path.with_name(path.name + ".part")
    with part.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, path)


def _moment(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now: {text} is not an ISO 8601 moment") from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1f} %"
