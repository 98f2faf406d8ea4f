"""Signals sent after a case service commits, for notifications and supervision to hook into.

`case_changed` is sent once per service call with `case_id` and `events` (the kinds recorded, in order).
Receivers run after the commit, so a failing receiver never undoes the case change.
"""

from django.dispatch import Signal

case_changed = Signal()
