"""`govhall hotline subjects load FILE [--prune]` and `govhall hotline defaults` (docs/hotline-reference.md).

`subjects load` reads a CSV or XLSX code list (columns code,name[,public]) and writes it all or nothing,
every problem listed (exit code 2). `defaults` installs the time-limit policy v1 and the return reasons
when none exist (govhall.hotline.defaults). Further subcommands are added to the parser in handle_*."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from govhall.hotline.defaults import install_defaults
from govhall.hotline.subjects import BUNDLED, SubjectFileRefused, load_subjects_file


class Command(BaseCommand):
    help = "The 12345 hotline's reference data: load the subject codes, install the default limits."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        subjects = sub.add_parser("subjects", help="The subject tree (诉求分类)")
        subjects_sub = subjects.add_subparsers(dest="subjects_action", required=True)
        load = subjects_sub.add_parser("load", help="Load a CSV or XLSX code list (code,name[,public])")
        load.add_argument(
            "file",
            type=Path,
            nargs="?",
            default=BUNDLED,
            help=f"The file (default: the bundled {BUNDLED.name})",
        )
        load.add_argument(
            "--prune",
            action="store_true",
            help="Delete the codes missing from the file (keep used ones, marked not in use)",
        )
        sub.add_parser("defaults", help="Install the time-limit policy v1 and the return reasons if missing")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"handle_{action}")(**options)

    def handle_subjects(self, *, subjects_action: str, file: Path, prune: bool, **options) -> None:
        try:
            result = load_subjects_file(file, prune=prune)
        except SubjectFileRefused as refused:
            for error in refused.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{file}: refused, nothing written ({len(refused.errors)} problems)", returncode=2
            ) from None
        self.stdout.write(f"{file} → subjects: {result.summary()}")

    def handle_defaults(self, **options) -> None:
        policy = install_defaults(now=timezone.now())
        self.stdout.write(
            f"time-limit policy v{policy.version} ({policy.limits.count()} limits) in force from "
            f"{timezone.localtime(policy.in_force_from):%Y-%m-%d %H:%M}; return reasons installed"
        )
