"""Flags that failed are retried, never lost.

The flag rules run after the case's commit (hooks.on_case_changed). When they fail (a database hiccup,
a bug in a rule), the receiver records the case and the event kinds here (`remember`), and each sweep
retries the due ones (`retry_due`): claimed by compare-and-swap on `attempts`, so two sweeps never run
the same retry; backoff 1, 2, 4, … minutes (at most 6 hours); kept with the last error until it works.
Cards are unique per event (`Card.key`), so a retry that half-succeeded before issues nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction

from govhall.supervision.models import PendingFlag

log = logging.getLogger("govhall.supervision.flag_retry")
MAX_BACKOFF = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def remember(case_id: int, kinds: list[str], error: BaseException, *, now: datetime) -> PendingFlag | None:
    """Keep a failed flag run for the sweep to retry (its own transaction: the case's has committed)."""
    try:
        with transaction.atomic():
            return PendingFlag.objects.create(
                case_id=case_id,
                kinds=list(kinds),
                attempts=1,
                next_try=now + backoff(1),
                last_error=f"{type(error).__name__}: {error}"[:2000],
                created_at=now,
            )
    except Exception:  # the database itself is failing: the log is all that is left
        log.exception("could not keep the failed flags of case %s for a retry", case_id)
        return None


def retry_due(*, now: datetime, limit: int = 500) -> tuple[int, int]:
    """Retry the pending flags that are due; (succeeded, failed again)."""
    from govhall.supervision.hooks import flag_case_events

    done = failed = 0
    due = PendingFlag.objects.filter(done_at__isnull=True, next_try__lte=now).values_list("pk", "attempts")
    for pk, attempts in list(due[:limit]):
        # claim: only the worker whose UPDATE moved `attempts` on runs this retry
        claimed = PendingFlag.objects.filter(pk=pk, attempts=attempts, done_at__isnull=True).update(
            attempts=attempts + 1, next_try=now + backoff(attempts + 1)
        )
        if not claimed:
            continue
        pending = PendingFlag.objects.get(pk=pk)
        try:
            with transaction.atomic():
                flag_case_events(pending.case_id, pending.kinds)
                PendingFlag.objects.filter(pk=pk).update(done_at=now, last_error="")
            done += 1
        except Exception as exc:
            log.exception("retrying the flags of case %s failed (attempt %s)", pending.case_id, attempts + 1)
            PendingFlag.objects.filter(pk=pk).update(last_error=f"{type(exc).__name__}: {exc}"[:2000])
            failed += 1
    return done, failed
