"""Helpers of the tests that start real processes (servers, consumers, database clusters): a free port,
a wait on an event with a generous limit that says what it last saw, and a fresh database of the suite's
own engine for a child process."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate: Callable[[], tuple], what: str, limit: float = 120.0) -> tuple:
    """Call predicate until the first item of what it returns is true; fail after `limit` seconds with the
    last thing it returned (an OSError, such as a refused connection, counts as not yet)."""
    deadline = time.monotonic() + limit
    seen = None
    while time.monotonic() < deadline:
        try:
            seen = predicate()
        except OSError as exc:
            seen = (False, repr(exc))
        if seen and seen[0]:
            return seen
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {limit:.0f} s; last seen: {seen}")


def fresh_database_url(tmp_path: Path, prefix: str) -> Iterator[str]:
    """A URL of an empty database of the suite's engine (a SQLite file, or a PostgreSQL database created
    here and dropped afterwards). Use from a fixture of a transactional test: `yield from ...`."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'govhall.sqlite3'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    try:
        yield f"postgres://{user}{password}@{host}:{port}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
