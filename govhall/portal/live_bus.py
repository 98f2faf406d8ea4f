"""Wake-ups for the live pages of remote help sessions: "session N changed, look again".

A message carries no data, only the session's id: the stream that wakes reads what changed from the
database (govhall.portal.live_help.changes_since), so a lost or doubled wake-up costs nothing but a look.

- In one process (the default, `make run`): a counter and a `threading.Condition` per session. A writer
  bumps the counter and notifies; a stream waits until the counter moves past the one it saw, so a
  wake-up between its look and its wait is not lost.
- Several processes: with `GOVHALL_LIVE_REDIS_URL` set (it defaults to `GOVHALL_REDIS_URL`, Huey's), a
  publish also goes to a Redis channel per session, and one listener thread per process relays every
  message of the pattern to that process's conditions. Without Redis, a stream still sees another
  process's writes by looking again every few seconds on its own (the view's re-check).

Services publish after their transaction commits (`publish_on_commit`), never before: a stream woken
early would read the old rows and then sleep through the change."""

from __future__ import annotations

import logging
import threading
import time
from functools import partial

from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)

CHANNEL_PREFIX = "govhall:help-live:"

_lock = threading.Lock()
_conditions: dict[int, threading.Condition] = {}
_counters: dict[int, int] = {}
_waiting: dict[int, int] = {}  # how many streams wait per session: its condition is dropped at zero


def _condition(session_id: int) -> threading.Condition:
    with _lock:
        condition = _conditions.get(session_id)
        if condition is None:
            condition = _conditions[session_id] = threading.Condition(_lock)
        return condition


def generation(session_id: int) -> int:
    """How many wake-ups this process has seen for the session: a stream takes it before it looks."""
    with _lock:
        return _counters.get(session_id, 0)


def _wake_local(session_id: int) -> None:
    with _lock:
        _counters[session_id] = _counters.get(session_id, 0) + 1
        condition = _conditions.get(session_id)
        if condition is not None:
            condition.notify_all()


def wait(session_id: int, seen: int, timeout: float) -> int:
    """Block until the session's generation moves past `seen` or `timeout` seconds pass; the generation
    then (equal to `seen` after a timeout)."""
    _ensure_listener()
    condition = _condition(session_id)
    deadline = time.monotonic() + timeout
    with _lock:
        _waiting[session_id] = _waiting.get(session_id, 0) + 1
        try:
            while _counters.get(session_id, 0) == seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                condition.wait(left)
            return _counters.get(session_id, 0)
        finally:
            _waiting[session_id] -= 1
            if _waiting[session_id] == 0:
                del _waiting[session_id]
                _conditions.pop(session_id, None)
                _counters.pop(session_id, None)


def publish(session_id: int) -> None:
    """Wake the streams of the session in this process, and in the others through Redis when set."""
    _wake_local(session_id)
    client = _redis()
    if client is not None:
        try:
            client.publish(f"{CHANNEL_PREFIX}{session_id}", "1")
        except Exception:  # the streams look again on their own within seconds
            log.warning("live bus: Redis publish failed for session %s", session_id, exc_info=True)


def publish_on_commit(session_id: int) -> None:
    """Publish once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(publish, session_id))


# --- Redis, when configured --------------------------------------------------------------------------

_redis_client = None
_listener: threading.Thread | None = None


def redis_url() -> str:
    return getattr(settings, "GOVHALL_LIVE_REDIS_URL", "") or ""


def _redis():
    global _redis_client
    url = redis_url()
    if not url:
        return None
    if _redis_client is None or _redis_client[0] != url:
        import redis  # the production extra: only needed when a Redis URL is set

        _redis_client = (url, redis.Redis.from_url(url))
    return _redis_client[1]


def _listen(url: str) -> None:
    """Relay every session's messages from Redis to this process's conditions; reconnect on errors."""
    import redis

    while redis_url() == url:  # a changed setting (a test's) ends this listener
        try:
            pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
            pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
            while redis_url() == url:
                message = pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                channel = message.get("channel") or b""
                if isinstance(channel, bytes):
                    channel = channel.decode()
                try:
                    session_id = int(channel.removeprefix(CHANNEL_PREFIX))
                except ValueError:
                    continue
                _wake_local(session_id)
            pubsub.close()
        except Exception:
            log.warning("live bus: Redis listener lost its connection; again in 2 s", exc_info=True)
            time.sleep(2)  # a background thread's back-off, not a test's wait


def _ensure_listener() -> None:
    global _listener
    url = redis_url()
    if not url or (_listener is not None and _listener.is_alive()):
        return
    with _lock:
        if _listener is None or not _listener.is_alive():
            _listener = threading.Thread(target=_listen, args=(url,), name="govhall-live-bus", daemon=True)
            _listener.start()
