"""Channels: the in-app inbox (always), e-mail and text messages as each person chooses.

`notify(users, kind=…, text=…, now=…)` writes the inbox rows and, in the same transaction, one outbox row
(Delivery) per extra channel; `deliver_due(now=…)` (a Huey task) sends what is due and keeps failures for
another try. Nothing is sent inside the business transaction, and nothing is lost if a gateway is down.
"""

from govhall.supervision.notify.outbox import Message, deliver_due, notify, post, retry_failed

__all__ = ["Message", "deliver_due", "notify", "post", "retry_failed"]
