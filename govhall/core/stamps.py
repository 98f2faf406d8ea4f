"""Change stamps: how a process learns that another one changed data it keeps in memory.

A writer calls `bump(name)` inside the transaction of its change: the stamp's row goes up with the change
or not at all. A keeper holds a `Watch(name)` and asks `changed()` before it uses what it kept: the watch
reads the stamp at most every `interval` seconds (GOVHALL_STAMP_CHECK_SECONDS, 2 by default) and says
whether it moved since its last look. So a change made by any process is seen by every other within the
interval (plus the time of the request in flight), at the cost of one primary-key read per interval per
process. Used by the portal's page store; the catalogue index, the calendar and the threshold rules check
their own tables the same way (docs/deployment.md "Several processes").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db.models import F

from govhall.core.models import ChangeStamp


def bump(name: str) -> None:
    """Raise the stamp in the current transaction (one row, created on first use)."""
    if not ChangeStamp.objects.filter(name=name).update(value=F("value") + 1):
        ChangeStamp.objects.get_or_create(name=name, defaults={"value": 1})


def read(name: str) -> int:
    return ChangeStamp.objects.filter(name=name).values_list("value", flat=True).first() or 0


class Watch:
    def __init__(
        self, name: str, *, clock: Callable[[], float] = time.monotonic, interval: float | None = None
    ):
        self.name = name
        self.clock = clock
        self.interval = interval
        self._seen: int | None = None
        self._next_look = float("-inf")
        self._lock = threading.Lock()

    def _interval(self) -> float:
        if self.interval is not None:
            return self.interval
        return float(getattr(settings, "GOVHALL_STAMP_CHECK_SECONDS", 2))

    def changed(self) -> bool:
        """Whether the stamp moved since the last look (False on the first look and between looks)."""
        if self.clock() < self._next_look:
            return False
        with self._lock:
            if self.clock() < self._next_look:
                return False
            value = read(self.name)
            self._next_look = self.clock() + self._interval()
            moved = self._seen is not None and value != self._seen
            self._seen = value
            return moved

    def reset(self) -> None:
        with self._lock:
            self._seen = None
            self._next_look = float("-inf")
