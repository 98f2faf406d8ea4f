"""govhall workdays add DATE N | govhall workdays between A B"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govhall.workdays import calendar
from govhall.workdays.management.commands._args import integer, iso_date


class Command(BaseCommand):
    help = "Working-day arithmetic on the calendar in the database."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{add,between}")
        add = sub.add_parser(
            "add",
            help="print the N-th working day after the first working day on or after DATE",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        add.add_argument("date", metavar="DATE", type=iso_date())
        add.add_argument("n", metavar="N", type=integer())
        between = sub.add_parser(
            "between",
            help="print the number of working days d with A < d <= B",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        between.add_argument("a", metavar="A", type=iso_date())
        between.add_argument("b", metavar="B", type=iso_date())

    def handle(self, *args, action: str, **options) -> None:
        snapshot = calendar.CACHE.snapshot()
        try:
            if action == "add":
                result = snapshot.deadline(options["date"], options["n"])
                self.stdout.write(result.date.isoformat())
                provisional = result.provisional
            else:
                a, b = options["a"], options["b"]
                self.stdout.write(str(snapshot.workdays_between(a, b)))
                provisional = snapshot.spans_provisional(a, b)
        except calendar.CalendarRangeError as exc:
            raise CommandError(str(exc)) from None
        if provisional:
            self.stderr.write(
                _(
                    " (provisional: a counted day lies in a year without an official calendar; "
                    "Monday–Friday assumed)"
                )
            )
