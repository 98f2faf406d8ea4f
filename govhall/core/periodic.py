"""Periodic tasks that run once per period however many consumers share the queue.

Every Huey consumer enqueues the periodic tasks on its own clock, so two consumers on one Redis queue
would run each sweep twice a minute. `periodic_task(schedule)` is Huey's `db_periodic_task` with a claim
in front: the run inserts (task, minute) into `PeriodClaim`, committed at once, and only the consumer whose
insert succeeds does the work; the others log that the period was claimed and return. A consumer killed
in the middle of a run leaves its claim: that period's work is done by the next period's run (every sweep
is written to catch up with everything due up to its own moment), and nothing half-done is committed,
since each service is one transaction. Claims older than a week are dropped as new ones are made.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task

from govhall.core.models import PeriodClaim

log = logging.getLogger("govhall.core.periodic")
KEEP = timedelta(days=7)
CONSUMER = f"{socket.gethostname()}:{os.getpid()}"


def period_of(now: datetime) -> datetime:
    """A crontab schedule's resolution is the minute: the period is the minute the run starts in."""
    return now.replace(second=0, microsecond=0)


def claim(task: str, *, now: datetime) -> bool:
    """Whether this consumer is the first to run `task` for the period of `now` (committed at once)."""
    period = period_of(now)
    try:
        with transaction.atomic():
            PeriodClaim.objects.create(task=task, period=period, claimed_at=now, consumer=CONSUMER)
    except IntegrityError:
        return False
    PeriodClaim.objects.filter(task=task, period__lt=period - KEEP).delete()
    return True


def periodic_task(schedule):
    def decorate(fn):
        name = f"{fn.__module__}.{fn.__name__}"

        @functools.wraps(fn)
        def run(*args, **kwargs):
            now = timezone.now()
            minute = f"{period_of(now):%H:%M}"
            if not claim(name, now=now):
                log.info("periodic %s: %s already claimed by another consumer", name, minute)
                return {"skipped": "claimed by another consumer"}
            log.info("periodic %s: claimed %s (%s)", name, minute, CONSUMER)
            return fn(*args, **kwargs)

        return db_periodic_task(schedule)(run)

    return decorate
