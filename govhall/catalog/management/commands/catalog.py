"""`govhall catalog import FILE | export FILE | summary [--json]`: the catalogue from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.models import HallLevel
from govhall.catalog.queries import catalog_summary
from govhall.catalog.services import import_catalogue
from govhall.catalog.xlsx.export import export_catalogue
from govhall.catalog.xlsx.importer import CREATED, UNCHANGED, UPDATED, CatalogueImportRefused


class Command(BaseCommand):
    help = "Import, export or summarise the service catalogue (XLSX format: docs/catalog.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="Import a catalogue workbook, all or nothing (exit code 2 on errors)."
        )
        imp.add_argument("file", type=Path)
        exp = sub.add_parser("export", help="Write the whole catalogue to a workbook.")
        exp.add_argument("file", type=Path)
        summary = sub.add_parser(
            "summary", help="Departments, halls, windows, items and time-limit compression."
        )
        summary.add_argument("--json", dest="as_json", action="store_true", help="Print the summary as JSON.")
        compression = sub.add_parser(
            "compression",
            help="Time-limit compression: totals, by department, per fast lane (docs/lanes.md).",
        )
        compression.add_argument(
            "--json", dest="as_json", action="store_true", help="Print the report as JSON."
        )

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"_{action}")(**options)

    def _import(self, *, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file}, returncode=2)
        try:
            with file.open("rb") as stream:
                plan = import_catalogue(stream, by=None, now=timezone.now())
        except CatalogueImportRefused as refused:
            for line in refused.plan.errors.lines():
                self.stderr.write(line)
            raise CommandError(
                _("The file was not imported: %(n)s error(s).") % {"n": refused.plan.errors.total},
                returncode=2,
            ) from None
        for sheet, counts in plan.counts().items():
            self.stdout.write(
                _("%(sheet)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
                % {
                    "sheet": sheet,
                    "created": counts[CREATED],
                    "updated": counts[UPDATED],
                    "unchanged": counts[UNCHANGED],
                }
            )

    def _export(self, *, file: Path, **options) -> None:
        export_catalogue(str(file))
        self.stdout.write(_("Catalogue written to %(file)s") % {"file": file})

    def _summary(self, *, as_json: bool = False, **options) -> None:
        data = catalog_summary()
        if as_json:
            self.stdout.write(_dumps(data))
            return
        lines = [
            (_("Resident departments"), data["departments_resident"]),
            (_("All departments"), data["departments_total"]),
            *(
                (_("Halls: %(level)s") % {"level": level.label}, data["halls_by_level"][level.value])
                for level in HallLevel
            ),
            (_("Windows"), data["windows"]),
            (_("Published items"), data["items_total"]),
            (_("Administrative approval items"), data["items_approval"]),
            (_("Other items"), data["items_non_approval"]),
            (_("Sum of legal limits (working days)"), data["legal_limit_sum"]),
            (_("Sum of promised limits (working days)"), data["promised_limit_sum"]),
            (
                _("Compression"),
                "-" if data["compression_percent"] is None else f"{data['compression_percent']:.1f} %",
            ),
        ]
        for label, value in lines:
            self.stdout.write(f"{label}: {value}")

    def _compression(self, *, as_json: bool = False, **options) -> None:
        from govhall.lanes.report import print_compression

        print_compression(self.stdout, as_json=as_json)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
