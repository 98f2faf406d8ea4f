from govhall.visits.models.followups import FollowUp, FollowUpState
from govhall.visits.models.groups import WindowGroup
from govhall.visits.models.ratings import (
    RatedObject,
    Rating,
    RatingChannel,
    RatingLevel,
    RatingReason,
)
from govhall.visits.models.visit import Visit, VisitSource, VisitState

__all__ = [
    "FollowUp",
    "FollowUpState",
    "RatedObject",
    "Rating",
    "RatingChannel",
    "RatingLevel",
    "RatingReason",
    "Visit",
    "VisitSource",
    "VisitState",
    "WindowGroup",
]

# --- followup (issue 16) ---
from govhall.visits.models.followups import (
    AppealDecision,
    Finding,
    FollowUpAlert,
    FollowUpEvent,
    RaterView,
)

__all__ += ["AppealDecision", "Finding", "FollowUpAlert", "FollowUpEvent", "RaterView"]
# --- end followup ---
# --- rating (issue 16): the channels' own rows ---
from govhall.visits.models.rating_channels import RatingInvitation, RatingTablet

__all__ += ["RatingInvitation", "RatingTablet"]
