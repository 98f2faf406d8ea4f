from govhall.visits.models.appointments import (
    Booking,
    BookingState,
    QueueCounter,
    Slot,
    SlotKind,
    SlotTemplate,
    Weekday,
)
from govhall.visits.models.followups import (
    AppealDecision,
    Finding,
    FollowUp,
    FollowUpAlert,
    FollowUpEvent,
    FollowUpState,
    RaterView,
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
    "AppealDecision",
    "Booking",
    "BookingState",
    "Finding",
    "FollowUp",
    "FollowUpAlert",
    "FollowUpEvent",
    "FollowUpState",
    "QueueCounter",
    "RatedObject",
    "RaterView",
    "Rating",
    "RatingChannel",
    "RatingInvitation",
    "RatingLevel",
    "RatingReason",
    "RatingTablet",
    "Slot",
    "SlotKind",
    "SlotTemplate",
    "Visit",
    "VisitSource",
    "VisitState",
    "Weekday",
    "WindowGroup",
]
