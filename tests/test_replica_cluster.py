"""A real PostgreSQL primary and streaming standby, made here with the machine's own PostgreSQL programs,
and a real govhall server reading public pages from the standby (govhall/core/replica.py):

- while the standby streams and keeps up, the pages are read from it;
- when its replay is paused and the primary writes on, it falls behind the bound and the pages are read
  from the primary; when replay resumes, from the standby again;
- when the standby is stopped (immediate shutdown), the pages are read from the primary;
- every answer all along is a 200: the page says nothing wrong.

The public search page is the one looked at. Runs in the suite's PostgreSQL half (it needs
PostgreSQL's server programs, which a SQLite-only machine may lack); it does not use the suite's database.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.postgres


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or (
        [shutil.which(name)] if shutil.which(name) else []
    )
    if not found:
        pytest.fail(f"PostgreSQL's {name} was not found (Debian: postgresql)")
    return found[-1]


class Cluster:
    """Runs the PostgreSQL programs as the `postgres` user when the tests run as root (initdb refuses
    root)."""

    def __init__(self, base: Path):
        self.base = base
        self.as_postgres = os.geteuid() == 0

    def run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        command = ["runuser", "-u", "postgres", "--", *args] if self.as_postgres else list(args)
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
        return result

    def start(self, data: Path, port: int) -> None:
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.base} "
            "-c fsync=off -c max_connections=40 -c shared_buffers=16MB"
        )
        self.run(
            pg_bin("pg_ctl"), "-D", str(data), "-l", f"{data}.log", "-w", "-t", "120", "-o", options, "start"
        )

    def stop(self, data: Path, mode: str = "fast") -> None:
        if (data / "postmaster.pid").exists():
            self.run(pg_bin("pg_ctl"), "-D", str(data), "-m", mode, "-w", "-t", "120", "stop")

    def sql(self, port: int, statement: str, database: str = "postgres") -> str:
        return self.run(
            pg_bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            database,
            "-Atc",
            statement,
        ).stdout.strip()


@pytest.fixture(scope="module")
def clusters():
    base = Path(tempfile.mkdtemp(prefix="govhall-replica-", dir="/tmp"))
    base.chmod(0o755)
    cluster = Cluster(base)
    if cluster.as_postgres:
        shutil.chown(base, "postgres", "postgres")
    primary, standby = base / "primary", base / "standby"
    ports = {"primary": free_port(), "standby": free_port()}
    try:
        cluster.run(
            pg_bin("initdb"), "-D", str(primary), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync"
        )
        cluster.start(primary, ports["primary"])
        cluster.run(
            pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports["primary"]), "-U", "postgres",
            "-D", str(standby), "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        cluster.start(standby, ports["standby"])
        cluster.sql(ports["primary"], "CREATE DATABASE govhall")
        yield cluster, primary, standby, ports
    finally:
        cluster.stop(standby, "immediate")
        cluster.stop(primary, "immediate")
        shutil.rmtree(base, ignore_errors=True)


def test_public_pages_read_from_the_standby_and_fall_back(clusters, tmp_path):
    cluster, _, standby, ports = clusters
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_")}
    env |= {
        "GOVHALL_DATABASE_URL": f"postgres://postgres@127.0.0.1:{ports['primary']}/govhall",
        "GOVHALL_REPLICA_URL": f"postgres://postgres@127.0.0.1:{ports['standby']}/govhall",
        "GOVHALL_REPLICA_MAX_LAG": "2",
        "GOVHALL_REPLICA_CHECK_SECONDS": "0.2",
        "GOVHALL_DATA_DIR": str(tmp_path / "data"),
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr
    port = free_port()
    server_log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--no-consumer", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=server_log,
    )
    answers: list[tuple[int, str]] = []
    # The search page: the portal's query-less pages come from the process's page store, not a database.
    page = f"http://127.0.0.1:{port}/portal/search/?q=%E6%88%B7%E7%B1%8D"

    def look():
        try:
            with urllib.request.urlopen(page, timeout=30) as response:
                answer = (response.status, response.headers.get("X-Govhall-Read-From", ""))
        except OSError as exc:
            return (False, repr(exc))
        answers.append(answer)
        return answer

    def served_from(source):
        def check():
            status, seen = look() or (0, "")
            return (status == 200 and seen == source, status, seen)

        return check

    try:
        wait_for(lambda: (look()[0] == 200,), "the server answering", limit=180)
        wait_for(served_from("replica"), "reading from the standby")

        cluster.sql(ports["standby"], "SELECT pg_wal_replay_pause()")
        cluster.sql(ports["primary"], "CREATE TABLE behind (n int); INSERT INTO behind VALUES (1)", "govhall")
        wait_for(served_from("primary"), "falling back while the standby lags")

        cluster.sql(ports["standby"], "SELECT pg_wal_replay_resume()")
        wait_for(served_from("replica"), "reading from the standby again once it caught up")

        cluster.stop(standby, "immediate")
        wait_for(served_from("primary"), "falling back with the standby down")
        for _ in range(5):
            assert look() == (200, "primary")
    finally:
        server.terminate()
        server.wait(timeout=60)
        server_log.close()
    assert answers and all(status == 200 for status, _ in answers), answers
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log, log[-3000:]
