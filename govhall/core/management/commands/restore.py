"""`govhall restore FILE`: a backup put back into an empty database and data folder, then checked row
for row and file for file against its manifest (govhall.core.backup)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup into an empty database and data folder; refuses a non-empty one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an archive written by `govhall backup`")
        parser.add_argument("--json", action="store_true", help="print the restored figures as JSON")

    def handle(self, *args, file: str, json: bool, **options) -> None:
        try:
            manifest, found = restore(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if json:
            self.stdout.write(_dumps({"tables": found.tables, "files": found.files}))
            return
        self.stdout.write(
            f"restored {file} (taken {manifest['created_at']}): {len(found.tables)} tables, "
            f"{found.rows} rows, {len(found.files)} files, the same as at the backup. "
            "Run `govhall migrate` if this version of govhall is newer than the backup's."
        )


def _dumps(data: dict) -> str:
    return json.dumps(data, sort_keys=True)
