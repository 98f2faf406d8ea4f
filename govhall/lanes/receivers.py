"""The lane listens to its item cases: cases' `case_recorded` is sent inside each case service's
transaction, so a stage passes (and the next one opens) in the same transaction as the conclusion that
met its join rule, and a failure undoes both."""

from __future__ import annotations

from django.db import router
from django.dispatch import receiver

from govhall.cases.models import Case
from govhall.cases.services.common import case_recorded
from govhall.core.prepared import Prepared

# The event kinds that can change a lane; any other case change costs the lane no query.
MOVES_THE_LANE = frozenset(
    {
        "concluded",
        "rejected",
        "withdrawn",
        "accepted",
        "deemed_accepted",
        "suspended",
        "resumed",
        "extension_decided",
    }
)


def _links(case_id: int):
    from govhall.lanes.models import LaneItemCase

    return LaneItemCase.objects.filter(case_id=case_id).select_related("run__stage", "stage_item")


# Asked on every acceptance, conclusion, withdrawal… of any case, nearly always to find no link: compiled
# once (core.prepared).
_LINK = Prepared(_links, (int,))


@receiver(case_recorded, sender=Case, dispatch_uid="lanes.item_case_recorded")
def item_case_recorded(sender, *, case: Case, events: list[str], by, now, **kwargs) -> None:
    if MOVES_THE_LANE.isdisjoint(events) or "received" in events:
        # A case received in this very call has no lane link yet (a lane links its item cases after
        # opening them, while it drives them): the intake's acceptance costs the lane no query.
        return
    from govhall.lanes.models import LaneItemCase
    from govhall.lanes.services.common import any_driving, is_driving
    from govhall.lanes.services.stages import item_case_changed

    if any_driving():  # a lane service is opening, withdrawing or suspending its own item cases
        return
    link = _LINK.first(case.pk, using=router.db_for_write(LaneItemCase))
    if link is None or is_driving(link.lane_case_id):
        return
    item_case_changed(link, case=case, events=events, by=by, now=now)
