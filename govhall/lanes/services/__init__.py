"""Every change of a lane or a lane case is one function here (house style: verbs, keyword-only
arguments, one transaction each). Views, the API and commands call these and nothing else."""

from govhall.lanes.services.actions import (
    resume_lane,
    supplement_lane,
    suspend_lane,
    withdraw_lane,
    withdraw_online_lane,
)
from govhall.lanes.services.config import (
    import_form,
    lane_errors,
    publish_lane,
    revise_lane,
    share_materials,
    stage_limit,
    withdraw_lane_version,
)
from govhall.lanes.services.drafting import FieldSpec, LaneSpec, StageItemSpec, StageSpec, create_lane
from govhall.lanes.services.opening import apply_to_lane
from govhall.lanes.services.stages import item_case_changed

__all__ = [
    "FieldSpec",
    "LaneSpec",
    "StageItemSpec",
    "StageSpec",
    "apply_to_lane",
    "create_lane",
    "import_form",
    "item_case_changed",
    "lane_errors",
    "publish_lane",
    "resume_lane",
    "revise_lane",
    "share_materials",
    "stage_limit",
    "supplement_lane",
    "suspend_lane",
    "withdraw_lane",
    "withdraw_lane_version",
    "withdraw_online_lane",
]
