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
