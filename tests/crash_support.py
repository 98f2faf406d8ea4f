"""Helpers of the crash-safety tests (tests/test_crash.py): a database of the child processes' own, real
processes started with the `govhall` commands, killed with SIGKILL when the database shows progress.

The child processes use their own database, on the engine the suite runs on (GOVHALL_DATABASE_URL):
a SQLite file in a temporary directory, or a PostgreSQL database `crash_<worker>_<n>` on the suite's server,
copied from a template that is migrated and loaded once per test process (CREATE DATABASE … TEMPLATE).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PROBE = ROOT / "tests" / "crash_probe.py"


def wait_for(what: str, condition, *, timeout: float = 90.0, seen=lambda: "") -> object:
    """Poll `condition` until it returns something true; fail after `timeout` seconds saying what was seen
    (the limit is generous: the machine is a shared 2-core one)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}; saw: {seen()}")
        time.sleep(0.05)


class Child:
    """A command in a child process, its output read all along by a thread (a full pipe would block it)."""

    def __init__(self, args: list[str], env: dict) -> None:
        self.args = args
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: a kill reaches every process it started
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.append(line.rstrip("\n"))

    def output(self, last: int = 40) -> str:
        return "\n".join(self.lines[-last:])

    def printed(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))

    def kill(self) -> int:
        """SIGKILL to the whole process group (gunicorn's workers, the consumer's, history's forks)."""
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self.process.pid, signal.SIGKILL)
        code = self.process.wait(30)
        self._reader.join(10)
        return code

    def finish(self, timeout: float = 300) -> str:
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"{' '.join(self.args[1:4])} did not finish:\n{self.output()}") from None
        self._reader.join(10)
        assert code == 0, f"{' '.join(self.args)} exited {code}:\n{self.output()}"
        return "\n".join(self.lines)

    def alive(self) -> bool:
        return self.process.poll() is None


class CrashDatabase:
    """One database (and data directory: queue, uploads) for the processes of one test."""

    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self.data_dir = data_dir
        self.url = database_url  # None: SQLite in data_dir
        self.children: list[Child] = []

    @property
    def vendor(self) -> str:
        return "postgresql" if self.url else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "govhall.sqlite3"

    def env(self, **extra: str) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVHALL_", "DJANGO_"))}
        env.update(
            GOVHALL_ENV="development",
            GOVHALL_DEBUG="0",
            GOVHALL_DEMO="1",
            GOVHALL_DATA_DIR=str(self.data_dir),
            GOVHALL_HUEY_IMMEDIATE="0",
            GOVHALL_LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="govhall.settings",
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        if self.url:
            env["GOVHALL_DATABASE_URL"] = self.url
        env.update(extra)
        return env

    def start(self, *args: str, **env: str) -> Child:
        child = Child([sys.executable, str(ROOT / "manage.py"), *args], self.env(**env))
        self.children.append(child)
        return child

    def stop_all(self) -> None:
        """After a test, passed or failed: no server or consumer of it stays behind."""
        for child in self.children:
            if child.alive():
                child.kill()

    def run(self, *args: str, timeout: float = 300, **env: str) -> str:
        return self.start(*args, **env).finish(timeout)

    def probe(self, what: str, *args: str, **env: str) -> dict:
        """A check run by govhall's own models in a fresh process (tests/crash_probe.py), as JSON."""
        done = subprocess.run(
            [sys.executable, str(PROBE), what, *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"probe {what} failed:\n{done.stdout}\n{done.stderr}"
        return json.loads(done.stdout.strip().splitlines()[-1])

    # --- what another connection sees while the child works ---------------------------------------------

    def sql(self, query: str) -> list[tuple]:
        if self.url:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                return conn.execute(query).fetchall()
        conn = sqlite3.connect(self.sqlite_path, timeout=30)
        try:
            return conn.execute(query).fetchall()
        finally:
            conn.close()

    def count(self, table: str) -> int:
        try:
            return self.sql(f'SELECT COUNT(*) FROM "{table}"')[0][0]
        except Exception:  # the table is not there yet, or SQLite is busy checkpointing
            return -1

    def writer_inside_transaction(self) -> bool:
        """Another connection holds a write transaction that has written: SQLite's single write lock is
        taken (BEGIN IMMEDIATE is refused), or a PostgreSQL backend of this database has a transaction id."""
        if self.url:
            name = urlsplit(self.url).path.lstrip("/")
            rows = self.sql(
                f"SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '{name}'"
                " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            )
            return rows[0][0] > 0
        conn = sqlite3.connect(self.sqlite_path, timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()


class Template:
    """A migrated database with the demo catalogue and accounts, copied for each test."""

    def __init__(self, root: Path, suite_url: str | None, worker: str) -> None:
        self.root = root
        self.suite_url = suite_url if suite_url and suite_url.startswith("postgres") else None
        self.worker = worker
        self.copies = 0
        self.db = CrashDatabase(root / "template", self._url("template"))
        self.db.data_dir.mkdir(parents=True, exist_ok=True)
        if self.db.url:
            self._create(self.db.url)
        self.db.run("migrate", "--noinput", timeout=600)
        self.db.run("demo", "--empty", "--now", "2026-07-06T09:00:00+08:00", timeout=600)
        if self.db.url:  # no connection may stay on a template while it is copied
            name = self._name(self.db.url)
            self._admin(lambda c: c.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))

    def _url(self, suffix: str) -> str | None:
        if not self.suite_url:
            return None
        name = f"crash_{self.worker}_{os.getpid()}_{suffix}"
        return urlsplit(self.suite_url)._replace(path=f"/{name}").geturl()

    @staticmethod
    def _name(url: str) -> str:
        return urlsplit(url).path.lstrip("/")

    def _admin(self, action) -> None:
        import psycopg

        admin = urlsplit(self.suite_url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            action(conn)

    def _create(self, url: str, template: str | None = None) -> None:
        name = self._name(url)

        def create(conn) -> None:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

        self._admin(create)

    def copy(self) -> CrashDatabase:
        self.copies += 1
        db = CrashDatabase(self.root / f"copy{self.copies}", self._url(f"copy{self.copies}"))
        db.data_dir.mkdir(parents=True)
        if db.url:
            self._create(db.url, template=self._name(self.db.url))
        else:
            shutil.copy(self.db.sqlite_path, db.sqlite_path)
        return db

    def drop_all(self) -> None:
        if not self.suite_url:
            return
        names = [self._name(self.db.url)]
        names += [self._name(self._url(f"copy{n}")) for n in range(1, self.copies + 1)]

        def drop(conn) -> None:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        self._admin(drop)
