"""Reads of boards, dashboards, reports and public guides from a PostgreSQL streaming replica.

With `GOVHALL_REPLICA_URL` set (PostgreSQL only), the views marked `@reads_from_replica` read from the
alias "replica" while the replica is healthy; everything else, every write and every read inside a
transaction, goes to the primary ("default"):

- the router sends a read to the replica only inside such a view (a context variable the decorator
  sets for a GET or HEAD), and never while the primary has a transaction open (a read inside a write);
- healthy means: the replica answers within its connect timeout, is streaming from the primary, and has
  replayed everything it received, or the last thing it replayed is at most `GOVHALL_REPLICA_MAX_LAG`
  seconds old. Each process checks at most every `GOVHALL_REPLICA_CHECK_SECONDS` seconds; so a page read
  from the replica is at most MAX_LAG + CHECK_SECONDS behind the primary (30 + 5 s by default);
- when the replica is down or lags, the view reads from the primary; when it fails in the middle of a
  view, the view runs again on the primary. The page says nothing either way; the answer's header
  `X-Govhall-Read-From` says which database served it (for operators and the tests).
"""

from __future__ import annotations

import contextvars
import functools
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connections

log = logging.getLogger("govhall.core.replica")

REPLICA = "replica"
PRIMARY = "default"
SAFE_METHODS = frozenset({"GET", "HEAD"})

_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("govhall_replica_reading", default=False)

# Seconds the replica is behind, as it knows it itself: nothing received and not replayed → 0; no
# streaming from the primary → NULL (unknown, so not used); not a standby at all → 0 (a copy that is not
# in recovery is a database of its own, e.g. promoted: reads are as fresh as its writes).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""


def configured() -> bool:
    return REPLICA in settings.DATABASES


class Health:
    """The replica's last known state in this process, checked again once it is older than the period."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._usable = False
        self.lag: float | None = None

    def forget(self) -> None:
        with self._lock:
            self._checked_at = float("-inf")

    def failed(self, now: float | None = None) -> None:
        """The replica failed in use: keep off it until the next check is due."""
        with self._lock:
            self._usable = False
            self._checked_at = time.monotonic() if now is None else now

    def usable(self, now: float | None = None, probe: Callable[[], float | None] | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            if now - self._checked_at < settings.GOVHALL_REPLICA_CHECK_SECONDS:
                return self._usable
            self._checked_at = now
        lag = (probe or measure_lag)()
        usable = lag is not None and lag <= settings.GOVHALL_REPLICA_MAX_LAG
        with self._lock:
            if usable != self._usable:
                log.warning(
                    "replica %s (lag %s s, bound %s s)",
                    "back in use" if usable else "not used",
                    "unknown" if lag is None else f"{lag:.1f}",
                    settings.GOVHALL_REPLICA_MAX_LAG,
                )
            self._usable, self.lag = usable, lag
        return usable


health = Health()


def measure_lag() -> float | None:
    """The replica's lag in seconds, or None when it cannot be reached or is not streaming."""
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            value = cursor.fetchone()[0]
    except DatabaseError as exc:
        log.warning("replica unreachable: %s", exc)
        connection.close()
        return None
    return None if value is None else float(value)


class ReplicaRouter:
    """Reads inside @reads_from_replica views go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        if _reading.get() and not connections[PRIMARY].in_atomic_block:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both sides

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def reads_from_replica(view):
    """Mark a read-only page (a board, a dashboard, a report, a public guide) as allowed to read from the
    replica. Its template is rendered inside, so lazy querysets read from the replica too."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not configured() or request.method not in SAFE_METHODS or not health.usable():
            response = view(request, *args, **kwargs)
            _mark(response, PRIMARY)
            return response
        # The session and the user are read from the primary: a session signed in a moment ago may not
        # have reached the replica yet.
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - loads the lazy user now
        token = _reading.set(True)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        except DatabaseError as exc:
            if not _failed_on_replica(exc):
                raise
            log.warning("replica failed during %s, read again from the primary: %s", request.path, exc)
            health.failed()
            connections[REPLICA].close()
            _reading.reset(token)
            token = None
            response = view(request, *args, **kwargs)
            _mark(response, PRIMARY)
            return response
        finally:
            if token is not None:
                _reading.reset(token)
        _mark(response, REPLICA)
        return response

    return wrapped


def _failed_on_replica(exc: DatabaseError) -> bool:
    """Whether the error came from the replica's connection (it is broken or was just used)."""
    connection = connections[REPLICA]
    return connection.connection is None or connection.errors_occurred or not connection.is_usable()


def _mark(response, source: str) -> None:
    if hasattr(response, "headers"):
        response.headers["X-Govhall-Read-From"] = "replica" if source == REPLICA else "primary"
