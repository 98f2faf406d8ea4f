"""The push transport of a remote help session's page: server-sent events (text/event-stream).

One generator per open page: it looks at the session (what changed since the versions the page holds,
`live_help.changes_since`; new chat lines; the other side's call signals), sends what is new, then waits
on the live bus until a service publishes after its commit, or `recheck` seconds pass (so that a write
of another process without Redis still arrives), with a comment line every `heartbeat` seconds (proxies
drop idle connections; a closed page is noticed at the next write). It holds no database connection
while it waits, and ends when the session is over or after `lifetime` seconds: EventSource reconnects
by itself, sending the last event's id, which carries the versions the page holds.

Events: unnamed (`message`) — the `changes_since` dictionary, for help-live.js `apply()`; `chat` — a
list of new chat lines; `signal` — a list of the other side's signalling messages; `end` — the session is
over (or no longer visible to the account): the page stops listening."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection

from govhall.portal import live_bus, live_help, queries_help
from govhall.portal.models import HelpState
from govhall.portal.services import help_live

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15
OVER = (HelpState.ENDED, HelpState.CANCELLED, HelpState.NO_SHOW)


@dataclass
class Cursor:
    """What the page holds: the draft's and the session's versions, the last chat line and signal seen."""

    draft: int = 0
    session: int = 0
    message: int = 0
    signal: int = 0

    def as_id(self) -> str:
        return f"{self.draft}.{self.session}.{self.message}.{self.signal}"

    @classmethod
    def parse(cls, text: str | None, default: Cursor) -> Cursor:
        """From a Last-Event-ID ("d.s.m.g"); `default` when absent or malformed."""
        try:
            draft, session, message, signal = (int(part) for part in (text or "").split("."))
        except ValueError:
            return default
        return cls(draft=draft, session=session, message=message, signal=signal)


def _event(data, *, name: str = "", cursor: Cursor | None = None) -> str:
    lines = []
    if name:
        lines.append(f"event: {name}")
    if cursor is not None:
        lines.append(f"id: {cursor.as_id()}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


def events(
    session_id: int,
    user,
    cursor: Cursor,
    *,
    recheck: float,
    lifetime: float,
    heartbeat: float = HEARTBEAT_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[str]:
    """The stream of one page (see the module's note)."""
    started = last_write = clock()
    presence = None
    first = True
    yield f"retry: {int(recheck * 1000)}\n\n"
    while True:
        seen = live_bus.generation(session_id)  # before looking: a publish during the look is not lost
        try:
            session = queries_help.sessions_of(user).filter(pk=session_id).first()
            if session is None:
                yield _event({"reason": "gone"}, name="end")
                return
            changes = live_help.changes_since(
                session, user, draft_version=cursor.draft, session_version=cursor.session
            )
            messages = help_live.messages_after(session, cursor.message)
            signals = help_live.signals_for(
                session, side=live_help.side_of(session, user), after=cursor.signal
            )
        except Exception:  # the database away (a restart, a closed test): end; EventSource comes back
            log.warning("help %s: the event stream could not look; it ends", session_id, exc_info=True)
            return
        finally:
            # Not a connection per open page while it waits: closed now, opened again at the next look
            # (inside a transaction, a test's, it stays: closing would roll it back).
            if not connection.in_atomic_block:
                connection.close()
        out = []
        if (
            first
            or changes["fields"]
            or changes["marks_changed"]
            or changes["draft_version"] != cursor.draft
            or changes["presence"] != presence
        ):
            cursor.draft, cursor.session = changes["draft_version"], changes["session_version"]
            presence = changes["presence"]
            out.append(_event(changes, cursor=cursor))
        if messages:
            cursor.message = messages[-1]["id"]
            out.append(_event(messages, name="chat", cursor=cursor))
        if signals:
            cursor.signal = signals[-1]["id"]
            out.append(_event(signals, name="signal", cursor=cursor))
        first = False
        if out:
            last_write = clock()
            yield "".join(out)
        if session.state in OVER:
            yield _event({"reason": session.state}, name="end")
            return
        now = clock()
        if now - started >= lifetime:
            return  # EventSource comes back with the last id
        if now - last_write >= heartbeat:
            last_write = now
            yield ": heartbeat\n\n"
        wait = min(recheck, heartbeat - (now - last_write), lifetime - (now - started))
        live_bus.wait(session_id, seen, max(wait, 0.05))
