"""Keeps the roll-ups up to date inside every case service's transaction (cases' `case_recorded`)."""

from django.dispatch import receiver

from govhall.cases.models import Case
from govhall.cases.services.common import case_recorded, cases_recorded
from govhall.stats import rollup


@receiver(case_recorded, sender=Case, dispatch_uid="stats.rollup")
def count_events(sender, case: Case, events: list[str], now, history=None, **kwargs) -> None:
    rollup.record(case, events, now, history=history)


@receiver(cases_recorded, sender=Case, dispatch_uid="stats.rollup_many")
def count_many(sender, recorded: list, now, **kwargs) -> None:
    """A bulk intake (a lane opening its item cases): every case's counts in one statement."""
    rollup.record_many(recorded, now)
