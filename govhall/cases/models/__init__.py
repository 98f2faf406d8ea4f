"""Cases (办件): the case row, its materials, steps, pauses, extensions, handovers and the audit trail.

Models hold data and rules about their own row; every state change is a function in services.py.
"""

from govhall.cases.models.case import (
    APPLICATION_CHANNELS,
    CONSULTATION_CHANNELS,
    ApplicantKind,
    Case,
    CaseCounter,
    CaseKind,
    CaseMaterial,
    CaseState,
    Channel,
    Consultation,
    Decision,
    DeliveryMethod,
    IdType,
)
from govhall.cases.models.documents import CaseDocument
from govhall.cases.models.events import CaseEvent, EventKind, EventsAreAppendOnly
from govhall.cases.models.licences import Licence
from govhall.cases.models.work import (
    ExtensionRequest,
    ExtensionState,
    MaterialHandover,
    Step,
    StepOutcome,
    StepState,
    Suspension,
    SuspensionKind,
)

__all__ = [
    "APPLICATION_CHANNELS",
    "CONSULTATION_CHANNELS",
    "ApplicantKind",
    "Case",
    "CaseCounter",
    "CaseDocument",
    "CaseEvent",
    "CaseKind",
    "CaseMaterial",
    "CaseState",
    "Channel",
    "Consultation",
    "Decision",
    "DeliveryMethod",
    "EventKind",
    "EventsAreAppendOnly",
    "ExtensionRequest",
    "ExtensionState",
    "IdType",
    "Licence",
    "MaterialHandover",
    "Step",
    "StepOutcome",
    "StepState",
    "Suspension",
    "SuspensionKind",
]
