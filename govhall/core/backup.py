"""One file with an instance's data: the database and the uploaded files, taken while the system runs.

`govhall backup FILE` writes a tar archive (gzip) of

    manifest.json   what was taken: engine, migrations, rows per table, every file's SHA-256
    database        SQLite: a page-by-page copy (the online backup API); PostgreSQL: `pg_dump -Fc`
    media/...       the uploaded files (MEDIA_ROOT)

The row counts are read in the very snapshot that is saved (SQLite: from the copy; PostgreSQL: in a
repeatable-read transaction whose snapshot pg_dump is given with --snapshot), so a restore can prove it
put back exactly what was taken. Uploaded files are written before the rows that name them and never
changed afterwards, and they are copied after the database snapshot: every file the database names is in
the archive (a file uploaded meanwhile may be there too, unnamed, and harms nothing).

`govhall restore FILE` puts it back into an empty database (no tables) and an empty data folder, refuses
anything else, and compares the restored rows and files with the manifest. The background queue (Huey's
own store) is not saved: its periodic sweeps re-derive every reminder from the rows (docs/deployment.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "govhall-backup"
VERSION = 1
DATABASE_MEMBER = "database"
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Figures:
    """What a database and data folder hold: rows per table and the files with their SHA-256."""

    tables: dict[str, int]
    files: dict[str, str]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def differences(self, other: Figures) -> list[str]:
        lines = []
        for table in sorted(set(self.tables) | set(other.tables)):
            mine, theirs = self.tables.get(table), other.tables.get(table)
            if mine != theirs:
                lines.append(f"table {table}: {mine} rows in the backup, {theirs} restored")
        for name in sorted(set(self.files) | set(other.files)):
            if self.files.get(name) != other.files.get(name):
                lines.append(f"file {name}: differs or is missing")
        return lines


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:  # pragma: no cover - settings allow only these two
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _count_rows(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [name for (name,) in rows]


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path | None = None) -> dict[str, str]:
    """Every file under the data folder, by its path relative to it, with its SHA-256."""
    root = media_root() if root is None else root
    found = {}
    if not root.is_dir():
        return found
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            found[path.relative_to(root).as_posix()] = digest.hexdigest()
    return found


def figures(alias: str = "default") -> Figures:
    """Rows per table of the live database and the files of the data folder, now."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]
        counts = _count_rows(cursor, tables, connection.ops.quote_name)
    return Figures(tables=counts, files=media_files())


def _pg_command(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore from Django's settings."""
    db = connections[alias].settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH: install PostgreSQL's client programs "
            "(Debian: postgresql-client) of the server's major version"
        )
    return path


def _migrations(alias: str) -> dict[str, str]:
    recorder = MigrationRecorder(connections[alias])
    last: dict[str, str] = {}
    for app, name in recorder.applied_migrations():
        if name > last.get(app, ""):
            last[app] = name
    return dict(sorted(last.items()))


def _snapshot_sqlite(alias: str, target: Path) -> dict[str, int]:
    connection = connections[alias]
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        # One step (pages=-1): the copy is one consistent read of the database, writers wait meanwhile.
        connection.connection.backup(dest)
        return _count_rows(dest.cursor(), _sqlite_tables(dest), _sqlite_quote)
    finally:
        dest.close()


def _snapshot_postgresql(alias: str, target: Path) -> dict[str, int]:
    import psycopg

    db = connections[alias].settings_dict
    args, env = _pg_command(alias)
    dsn = {
        "dbname": db["NAME"],
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    # A session of our own holds a repeatable-read snapshot; the rows are counted in it and pg_dump reads
    # the same snapshot, so the manifest describes exactly what the dump holds.
    with psycopg.connect(**{k: v for k, v in dsn.items() if v is not None}, autocommit=False) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchall()
        ]
        counts = {}
        for table in sorted(tables):
            quoted = '"' + table.replace('"', '""') + '"'
            counts[table] = conn.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()[0]
        result = subprocess.run(
            [
                _tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                str(db["NAME"]),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        conn.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


def backup(path: Path, *, alias: str = "default", now=None) -> dict:
    """Write the archive to `path` (atomically: a temporary file renamed at the end); its manifest."""
    now = timezone.now() if now is None else now
    path = Path(path)
    kind = engine(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govhall-backup-") as work:
        dump = Path(work) / DATABASE_MEMBER
        migrations = _migrations(alias)
        snapshot = _snapshot_sqlite if kind == "sqlite" else _snapshot_postgresql
        tables = snapshot(alias, dump)
        root = media_root()
        files = media_files(root)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": now.isoformat(),
            "engine": kind,
            "migrations": migrations,
            "tables": tables,
            "files": files,
        }
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST_MEMBER)
            info.size = len(data)
            info.mtime = int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=DATABASE_MEMBER)
            for name in files:
                archive.add(root / name, arcname=MEDIA_PREFIX + name)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    return manifest


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST_MEMBER)
    except KeyError:
        raise BackupError("not a govhall backup: the archive has no manifest.json") from None
    handle = archive.extractfile(member)
    manifest = json.loads(handle.read()) if handle else {}
    if manifest.get("format") != FORMAT:
        raise BackupError("not a govhall backup: its manifest names another format")
    if manifest.get("version") != VERSION:
        found = manifest.get("version")
        raise BackupError(f"backup format version {found} is not {VERSION}, which this version reads")
    return manifest


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 - closed by the with below
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path}: not a readable backup archive ({exc})") from None
    with archive:
        yield archive


def _refuse_unless_empty(alias: str) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        name = connection.settings_dict["NAME"]
        raise BackupError(
            f"the database {name} is not empty ({len(tables)} tables): restore only into an empty database, "
            "so that nothing is mixed or overwritten"
        )
    root = media_root()
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"the data folder {root} is not empty: restore only into an empty one")


def _restore_sqlite(alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.close()
    target = connection.settings_dict["NAME"]
    source = sqlite3.connect(dump)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        source.close()
        dest.close()


def _restore_postgresql(alias: str, dump: Path) -> None:
    connections[alias].close()
    args, env = _pg_command(alias)
    result = subprocess.run(
        [
            _tool("pg_restore"),
            *args,
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={connections[alias].settings_dict['NAME']}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was restored: {result.stderr.strip()}")


def restore(path: Path, *, alias: str = "default") -> tuple[dict, Figures]:
    """Restore the archive into the empty database and data folder; the manifest and the figures found
    afterwards. BackupError when they differ from the manifest."""
    path = Path(path)
    kind = engine(alias)
    with _opened(path) as archive:
        manifest = read_manifest(archive)
        if manifest["engine"] != kind:
            raise BackupError(
                f"the backup holds a {manifest['engine']} database and this instance runs on {kind}: "
                "restore it into the same kind of database"
            )
        _refuse_unless_empty(alias)
        with tempfile.TemporaryDirectory(prefix="govhall-restore-") as work:
            try:
                archive.extract(DATABASE_MEMBER, path=work, filter="data")
            except KeyError:
                raise BackupError("the archive has no database") from None
            dump = Path(work) / DATABASE_MEMBER
            if kind == "sqlite":
                _restore_sqlite(alias, dump)
            else:
                _restore_postgresql(alias, dump)
        root = media_root()
        root.mkdir(parents=True, exist_ok=True)
        for member in archive.getmembers():
            if member.name.startswith(MEDIA_PREFIX) and member.isfile():
                member = member.replace(name=member.name[len(MEDIA_PREFIX) :])
                archive.extract(member, path=root, filter="data")
    found = figures(alias)
    expected = Figures(tables=manifest["tables"], files=manifest["files"])
    differences = expected.differences(found)
    if differences:
        raise BackupError("the restored data differ from the backup:\n" + "\n".join(differences[:20]))
    return manifest, found
