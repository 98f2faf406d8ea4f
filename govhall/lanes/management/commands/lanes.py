"""`govhall lanes export CODE FILE | import CODE FILE`: a lane's unified form as JSON (docs/lanes.md).

Export reads the published version; import replaces the form of the lane's draft (revise it first),
all or nothing, every problem listed (exit code 2)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from govhall.lanes.models import Lane, LaneStatus
from govhall.lanes.services import import_form
from govhall.lanes.unified import form_as_json


class Command(BaseCommand):
    help = "Export or import a fast lane's unified form (一表通) as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("export", "Write the published version's form"),
            ("import", "Replace the draft's form"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("code")
            p.add_argument("file", type=Path)

    def handle(self, *args, action: str, code: str, file: Path, **options) -> None:
        if action == "export":
            lane = Lane.objects.filter(code=code, status=LaneStatus.PUBLISHED).first()
            if lane is None:
                raise CommandError(_("Lane %(lane)s is not published.") % {"lane": code}, returncode=2)
            file.write_text(json.dumps(form_as_json(lane), ensure_ascii=False, indent=2), encoding="utf-8")
            self.stdout.write(f"{lane} → {file}")
            return
        lane = Lane.objects.filter(code=code, status=LaneStatus.DRAFT).first()
        if lane is None:
            raise CommandError(
                _("Only a draft lane can be changed: revise the published version."), returncode=2
            )
        try:
            import_form(lane, json.loads(file.read_text(encoding="utf-8")))
        except (ValueError, ValidationError) as error:
            for message in getattr(error, "messages", [str(error)]):
                self.stderr.write(message)
            raise CommandError(
                str(_("Not a unified form file (format govhall-unified-form/1)."))
                if isinstance(error, ValueError)
                else "import refused",
                returncode=2,
            ) from None
        self.stdout.write(f"{file} → {lane}")
