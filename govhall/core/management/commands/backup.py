"""`govhall backup FILE`: the database and the uploaded files in one archive, while the system runs
(govhall.core.backup, docs/deployment.md "Backups")."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the uploaded files to one archive (tar.gz), while the system runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the archive to write, e.g. /backups/govhall-2026-12-06.tar.gz")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if path.exists() and path.is_dir():
            raise CommandError(f"{path} is a folder: name the archive file to write")
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{path}: {manifest['engine']} database, {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files, {path.stat().st_size} bytes"
        )
