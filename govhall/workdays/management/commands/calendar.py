"""govhall calendar load FILE [--yes] | govhall calendar show YEAR"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.workdays import calendar, services
from govhall.workdays.management.commands._args import integer
from govhall.workdays.models import CalendarDay, CalendarYear
from govhall.workdays.notices import FORMATS

BAD_FILE = 2


class Command(BaseCommand):
    help = "Load the yearly holiday notice into the working-day calendar, or show a year."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{load,show}")
        cli = getattr(parser, "called_from_command_line", None)
        load = sub.add_parser(
            "load", help="check a notice file, show the changes, apply them", called_from_command_line=cli
        )
        load.add_argument(
            "file", metavar="FILE", help="the notice as .yaml/.yml or .csv (see docs/calendar.md)"
        )
        load.add_argument("--format", choices=FORMATS, help="default: from the file name")
        load.add_argument("--yes", action="store_true", help="apply without asking")
        show = sub.add_parser("show", help="list the special days of YEAR", called_from_command_line=cli)
        show.add_argument("year", metavar="YEAR", type=integer())

    def handle(self, *args, action: str, **options) -> None:
        if action == "load":
            self.load(Path(options["file"]), fmt=options.get("format"), yes=options["yes"])
        else:
            self.show(options["year"])

    def load(self, path: Path, *, fmt: str | None, yes: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("FILE: cannot read %(path)s (%(error)s)") % {"path": path, "error": exc.strerror}
            ) from None
        try:
            notice = services.parse_notice(services.decode(data), fmt or services.guess_format(path.name))
        except services.CalendarInputError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                _("%(count)s problem(s) in %(path)s; nothing changed")
                % {"count": len(exc.problems), "path": path},
                returncode=BAD_FILE,
            ) from None
        changes = services.preview_notice(notice)
        self.stdout.write(_("%(year)s: %(title)s") % {"year": notice.year, "title": notice.title})
        self.stdout.write(_("source: %s") % notice.source)
        for change in changes:
            note = "  " + _("(replaces a local rest day)") if change.replaces_local_day else ""
            self.stdout.write(
                f"{change.date.isoformat()}  {change.before.label()}  →  {change.after.label()}{note}"
            )
        self.stdout.write(_("%s day(s) change") % len(changes))
        for warning in notice.warnings:
            self.stderr.write(_("warning: %s") % warning)
        if not yes:
            answer = input(_("Apply? [y/N] ")) if sys.stdin.isatty() else ""
            if answer.strip().lower() not in ("y", "yes"):
                self.stdout.write(_("Not applied; nothing changed."))
                return
        revision = services.apply_notice(notice, by=None, now=timezone.now())
        self.stdout.write(
            _("Applied %(year)s; calendar version %(version)s")
            % {"year": notice.year, "version": revision.pk}
        )

    def show(self, year: int) -> None:
        if not calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR:
            raise CommandError(
                _("YEAR: must be between %(first)s and %(last)s")
                % {"first": calendar.FIRST_YEAR, "last": calendar.LAST_YEAR}
            )
        loaded = CalendarYear.objects.filter(year=year).first()
        if loaded is None:
            self.stdout.write(
                _("%s: no official calendar loaded; Monday–Friday assumed (provisional)") % year
            )
        else:
            self.stdout.write(f"{year}: {loaded.title} ({loaded.source})")
        for day in CalendarDay.objects.filter(date__year=year).order_by("date"):
            kind = _("working day") if day.is_workday else _("rest day")
            self.stdout.write(f"{day.date.isoformat()}  {kind}  {day.name}  [{day.get_scope_display()}]")
