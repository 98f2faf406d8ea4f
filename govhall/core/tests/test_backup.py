"""`govhall backup` and `govhall restore`: a round trip on the suite's own database (SQLite or PostgreSQL)
into a fresh one restored by a separate process, with the same rows and files before and after; a
backup taken while rows are being written is one consistent snapshot; a restore refuses a non-empty
database or data folder and anything that is not a backup, and writes nothing then."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import override_settings

from govhall.catalog.models import Department
from govhall.core import backup as backups

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.django_db(transaction=True)


def restore_elsewhere(archive: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    """`manage.py restore` in a new process, on a fresh database and data folder of the same engine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    env["GOVHALL_DATA_DIR"] = str(tmp_path / "restored")
    env["GOVHALL_MEDIA_ROOT"] = str(tmp_path / "restored" / "media")
    if connection.vendor == "sqlite":
        env["GOVHALL_DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored' / 'govhall.sqlite3'}"
    else:
        env["GOVHALL_DATABASE_URL"] = fresh_postgres_url(tmp_path)
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def fresh_postgres_url(tmp_path: Path) -> str:
    settings = connection.settings_dict
    name = f"govhall_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    (tmp_path / "pg-database").write_text(name)
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@pytest.fixture
def media(tmp_path):
    folder = tmp_path / "media"
    (folder / "documents" / "2026").mkdir(parents=True)
    (folder / "documents" / "2026" / "scan.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (folder / "forms" / "申请表.docx").parent.mkdir(parents=True)
    (folder / "forms" / "申请表.docx").write_bytes(b"PK\x03\x04" + b"x" * 5000)
    with override_settings(MEDIA_ROOT=str(folder)):
        yield folder
    dropped = tmp_path / "pg-database"
    if dropped.exists():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{dropped.read_text()}" WITH (FORCE)')


def some_rows(n: int = 25) -> None:
    Department.objects.bulk_create(
        Department(code=f"BK{i:03}", name=f"备份测试部门{i}", sort_order=i) for i in range(n)
    )


def test_round_trip_keeps_every_row_and_file(media, tmp_path):
    some_rows()
    before = backups.figures()
    archive = tmp_path / "out" / "govhall.tar.gz"

    manifest = backups.backup(archive)

    assert manifest["tables"] == before.tables
    assert manifest["files"] == before.files and len(before.files) == 2
    assert before.tables["catalog_department"] >= 25
    assert not archive.with_name(archive.name + ".partial").exists()
    result = restore_elsewhere(archive, tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    restored = json.loads(result.stdout.strip().splitlines()[-1])
    assert restored["tables"] == before.tables
    assert restored["files"] == before.files
    assert (tmp_path / "restored" / "media" / "forms" / "申请表.docx").read_bytes() == (
        media / "forms" / "申请表.docx"
    ).read_bytes()


@pytest.mark.postgres
def test_a_backup_taken_during_writes_is_one_snapshot(media, tmp_path):
    """A writer inserts departments all through the backup; the archive holds some of them, and exactly
    as many as its manifest says: the restore finds the manifest's counts, not a torn mix."""
    stop = threading.Event()
    written = threading.Semaphore(0)
    errors: list[BaseException] = []

    def writer():
        try:
            i = 0
            while not stop.is_set() and i < 100_000:
                Department.objects.create(code=f"W{i:06}", name=f"写入中{i}")
                written.release()
                i += 1
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection, or the test database stays in use

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    for _ in range(20):  # the writer is under way before the backup starts
        assert written.acquire(timeout=60), f"the writer did not write 20 rows in time; errors: {errors}"
    archive = tmp_path / "during.tar.gz"
    try:
        manifest = backups.backup(archive)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not errors, errors
    final = Department.objects.count()
    taken = manifest["tables"]["catalog_department"]
    assert 20 <= taken <= final, (taken, final)

    result = restore_elsewhere(archive, tmp_path, "--json")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["tables"] == manifest["tables"]


def test_restore_refuses_a_database_that_is_not_empty(media, tmp_path):
    some_rows(3)
    archive = tmp_path / "b.tar.gz"
    backups.backup(archive)
    some_rows_after = Department.objects.count()

    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore(archive)

    assert Department.objects.count() == some_rows_after


def test_restore_refuses_a_data_folder_that_is_not_empty(media, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backups.backup(archive)
    (tmp_path / "restored" / "media").mkdir(parents=True)
    (tmp_path / "restored" / "media" / "left-over.pdf").write_bytes(b"%PDF-")

    result = restore_elsewhere(archive, tmp_path)

    assert result.returncode != 0
    assert "data folder" in result.stderr and "not empty" in result.stderr, result.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        (b"not a tar at all", "not a readable backup archive"),
        ("tar-without-manifest", "no manifest.json"),
    ],
)
def test_restore_refuses_what_is_not_a_backup(tmp_path, content, message):
    archive = tmp_path / "x.tar.gz"
    if isinstance(content, bytes):
        archive.write_bytes(content)
    elif content == "tar-without-manifest":
        other = tmp_path / "hello.txt"
        other.write_text("hello")
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(other, arcname="hello.txt")
    count = Department.objects.count()

    with pytest.raises(backups.BackupError, match=message):
        backups.restore(archive)

    assert Department.objects.count() == count


def test_restore_refuses_another_engine(media, tmp_path):
    archive = tmp_path / "b.tar.gz"
    manifest = backups.backup(archive)
    other = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(forged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == backups.MANIFEST_MEMBER:
                data = json.dumps({**manifest, "engine": other}).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))

    with pytest.raises(backups.BackupError, match=f"holds a {other} database"):
        backups.restore(forged)
