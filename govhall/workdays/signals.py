"""Any save or delete of a calendar row drops this process's copy of the calendar (see calendar.py).

The services also add a CalendarRevision, which is what tells the other processes, and send
`calendar_revised` after the commit, so that stored due dates from `since` on can be counted again (the
cases app listens).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from govhall.workdays import calendar
from govhall.workdays.models import CalendarDay, CalendarRevision, CalendarYear

# Sent after the commit of a calendar change: `since` (a date) is the first day whose status may differ.
calendar_revised = Signal()


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
@receiver(post_save, sender=CalendarRevision)
def calendar_changed(**kwargs) -> None:
    calendar.invalidate()
