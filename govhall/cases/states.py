"""The state machines of cases, steps and extension requests, each as one table and one function.

Read a table as: in state S, action A leads to state T. Anything not in the table is refused.
"""

from __future__ import annotations

from govhall.cases.errors import TransitionNotAllowed
from govhall.cases.models import CaseState, ExtensionState, StepState


class Action:
    REQUEST_SUPPLEMENT = "request_supplement"  # 一次性告知
    COMPLETE_SUPPLEMENT = "complete_supplement"  # 补正 complete
    ACCEPT = "accept"  # 受理
    DEEM_ACCEPT = "deem_accept"  # 5-day rule: accepted from the day of receipt
    REJECT = "reject"  # 不予受理
    SUSPEND = "suspend"  # 特别程序
    RESUME = "resume"
    CONCLUDE = "conclude"  # 办结
    DELIVER = "deliver"  # 送达 / 出件
    WITHDRAW = "withdraw"  # 撤回
    ANSWER = "answer"  # consultation answered


_WITHDRAW = {Action.WITHDRAW: CaseState.WITHDRAWN}

ALLOWED_TRANSITIONS: dict[str, dict[str, str]] = {
    CaseState.RECEIVED: {
        Action.REQUEST_SUPPLEMENT: CaseState.SUPPLEMENT_REQUESTED,
        Action.ACCEPT: CaseState.ACCEPTED,
        Action.DEEM_ACCEPT: CaseState.ACCEPTED,
        Action.REJECT: CaseState.REJECTED,
        **_WITHDRAW,
    },
    CaseState.SUPPLEMENT_REQUESTED: {
        Action.COMPLETE_SUPPLEMENT: CaseState.RECEIVED,
        Action.REJECT: CaseState.REJECTED,
        **_WITHDRAW,
    },
    CaseState.ACCEPTED: {
        Action.SUSPEND: CaseState.SUSPENDED,
        Action.CONCLUDE: CaseState.CONCLUDED,
        **_WITHDRAW,
    },
    CaseState.SUSPENDED: {
        Action.RESUME: CaseState.ACCEPTED,
        **_WITHDRAW,
    },
    CaseState.CONCLUDED: {Action.DELIVER: CaseState.DELIVERED},
    CaseState.REJECTED: {},
    CaseState.DELIVERED: {},
    CaseState.WITHDRAWN: {},
    CaseState.REGISTERED: {Action.ANSWER: CaseState.ANSWERED},
    CaseState.ANSWERED: {},
}


class StepAction:
    START = "start"
    APPROVE = "approve"
    RETURN = "return"
    REOPEN = "reopen"  # a later step returned the case to this one


STEP_TRANSITIONS: dict[str, dict[str, str]] = {
    StepState.PENDING: {StepAction.START: StepState.ACTIVE},
    StepState.ACTIVE: {StepAction.APPROVE: StepState.DONE, StepAction.RETURN: StepState.RETURNED},
    StepState.RETURNED: {StepAction.START: StepState.ACTIVE},
    StepState.DONE: {StepAction.REOPEN: StepState.ACTIVE},
}


class ExtensionAction:
    APPROVE = "approve"
    REFUSE = "refuse"


EXTENSION_TRANSITIONS: dict[str, dict[str, str]] = {
    ExtensionState.REQUESTED: {
        ExtensionAction.APPROVE: ExtensionState.APPROVED,
        ExtensionAction.REFUSE: ExtensionState.REFUSED,
    },
    ExtensionState.APPROVED: {},
    ExtensionState.REFUSED: {},
}

_TABLES = {
    "case": ALLOWED_TRANSITIONS,
    "step": STEP_TRANSITIONS,
    "extension request": EXTENSION_TRANSITIONS,
}


def next_state(machine: str, state: str, action: str) -> str:
    """The state `action` leads to from `state` in `machine`, or TransitionNotAllowed."""
    try:
        return _TABLES[machine][state][action]
    except KeyError:
        raise TransitionNotAllowed(machine=machine, state=state, action=action) from None


def transition(case, action: str) -> str:
    """The only gate for case state changes: returns the new state (the caller saves it)."""
    return next_state("case", case.state, action)


def step_transition(step, action: str) -> str:
    return next_state("step", step.state, action)


def extension_transition(request, action: str) -> str:
    return next_state("extension request", request.state, action)


def allowed_actions(state: str) -> list[str]:
    """What the workbench may offer for a case in `state` (permissions still apply)."""
    return sorted(ALLOWED_TRANSITIONS.get(state, {}))
