from govhall.visits.models.followups import (
    AppealDecision,
    Finding,
    FollowUp,
    FollowUpAlert,
    FollowUpEvent,
    FollowUpState,
    RaterView,
)
from govhall.visits.models.appointments import (
    Booking,
    BookingState,
    QueueCounter,
    Slot,
    SlotKind,
    SlotTemplate,
    Weekday,
)
from govhall.visits.models.groups import WindowGroup
from govhall.visits.models.rating_channels import RatingInvitation, RatingTablet
from govhall.visits.models.ratings import (
    RatedObject,
    Rating,
    RatingChannel,
    RatingLevel,
    RatingReason,
)
from govhall.visits.models.visit import Visit, VisitSource, VisitState

__all__ = [
    "Booking",
    "BookingState",
    "QueueCounter",
    "Slot",
    "SlotKind",
    "SlotTemplate",
    "Weekday",
    "AppealDecision",
    "Finding",
    "FollowUp",
    "FollowUpAlert",
    "FollowUpEvent",
    "FollowUpState",
    "RatedObject",
    "RaterView",
    "Rating",
    "RatingChannel",
    "RatingInvitation",
    "RatingLevel",
    "RatingReason",
    "RatingTablet",
    "Visit",
    "VisitSource",
    "VisitState",
    "WindowGroup",
]
