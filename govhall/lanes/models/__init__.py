"""Fast lanes (快车道 / 绿色通道 / 并联审批): the configuration (versioned like service items) and the
running lane cases, which link the applicant's one case number to the item cases of every stage."""

from govhall.lanes.models.config import (
    FieldType,
    FormField,
    JoinRule,
    Lane,
    LaneMaterial,
    LaneStatus,
    Stage,
    StageItem,
)
from govhall.lanes.models.running import (
    LaneCase,
    LaneCaseState,
    LaneEvent,
    LaneEventKind,
    LaneEventsAreAppendOnly,
    LaneItemCase,
    LaneStageRun,
    StageRunState,
)

__all__ = [
    "FieldType",
    "FormField",
    "JoinRule",
    "Lane",
    "LaneCase",
    "LaneCaseState",
    "LaneEvent",
    "LaneEventKind",
    "LaneEventsAreAppendOnly",
    "LaneItemCase",
    "LaneMaterial",
    "LaneStageRun",
    "LaneStatus",
    "Stage",
    "StageItem",
    "StageRunState",
]
