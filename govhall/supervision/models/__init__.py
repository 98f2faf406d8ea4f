"""Supervision (网上监察): threshold rules, alerts, the inbox and outbox, cards and supervision orders.

The lights themselves are stored thresholds on cases.Step and cases.Case (warn_at, due_at), compared
with now in SQL: see govhall/supervision/lights.py.
"""

from govhall.supervision.models.alerts import Alert, AlertLevel, LaneAlert, PendingFlag
from govhall.supervision.models.base import RecordIsAppendOnly
from govhall.supervision.models.cards import Card, CardEvent, CardKind, CardRule, CardState
from govhall.supervision.models.inbox import (
    ChannelKind,
    Delivery,
    DeliveryState,
    Notification,
    NotificationKind,
    Preference,
)
from govhall.supervision.models.inspections import Inspection, InspectionPhoto, InspectionState
from govhall.supervision.models.orders import Order, OrderEvent, OrderState
from govhall.supervision.models.rules import ThresholdRule

__all__ = [
    "Alert",
    "AlertLevel",
    "Card",
    "CardEvent",
    "CardKind",
    "CardRule",
    "CardState",
    "ChannelKind",
    "Delivery",
    "DeliveryState",
    "Inspection",
    "InspectionPhoto",
    "InspectionState",
    "LaneAlert",
    "Notification",
    "NotificationKind",
    "Order",
    "OrderEvent",
    "OrderState",
    "PendingFlag",
    "Preference",
    "RecordIsAppendOnly",
    "ThresholdRule",
]
